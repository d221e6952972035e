package dev.baton.examples.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Seed 003's incident: 50 upload requests for one target date hit three instances at once,
 * half finals (limit 2 a day), half shorts (limit 5), every third asking for the 10:00 slot and
 * the others for 08:00, each costing 1,600 of the API's 10,000 daily units. The originals booked past every
 * limit and gave one slot to several videos. Then it reads the day back and counts what went
 * past a limit and which slots were given twice.
 */
final class SchedulerScenario {
  static final int REQUESTS = 50;
  private static final int FINALS_PER_DAY = 2;
  private static final int SHORTS_PER_DAY = 5;
  private static final int UNITS_PER_UPLOAD = 1_600;
  private static final int UNITS_PER_DAY = 10_000;

  private final HttpCalls http = new HttpCalls();
  private final PrintStream out;

  SchedulerScenario(PrintStream out) {
    this.out = out;
  }

  /** Fires the requests at {@code urls} and returns the RESULT line. */
  String run(List<String> urls, LocalDate date) throws Exception {
    out.printf("  %d concurrent POST /schedule for %s over %d instances%n", REQUESTS, date, urls.size());
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
    Map<Integer, Integer> statuses = new HashMap<>();
    Map<String, Integer> reasons = new HashMap<>();
    try {
      List<Future<HttpCalls.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        String url = urls.get(i % urls.size()) + "/schedule";
        String type = i % 2 == 0 ? "final" : "short";
        // Every request names the target date; a third want 10:00, the rest the day's first slot.
        String preferred = ", \"preferred_time\": \"" + date + (i % 3 == 0 ? "T10:00\"" : "T08:00\"");
        String body = "{\"video_path\": \"/videos/clip-" + i + ".mp4\", \"video_type\": \""
            + type + "\"" + preferred + "}";
        answers.add(clients.submit(() -> {
          go.await();
          return http.post(url, body);
        }));
      }
      go.countDown();
      for (Future<HttpCalls.Answer> future : answers) {
        HttpCalls.Answer answer = future.get(120, TimeUnit.SECONDS);
        statuses.merge(answer.status(), 1, Integer::sum);
        if (answer.status() != 201 && answer.body() != null) {
          reasons.merge(answer.body().path("error").asText().replaceAll("\\d{4}-\\d\\d-\\d\\d", "DATE"),
              1, Integer::sum);
        }
      }
    } finally {
      clients.shutdownNow();
    }
    int accepted = statuses.getOrDefault(201, 0);
    out.printf("  answers: %s%n", statuses);
    reasons.forEach((reason, n) -> out.printf("    %2d x %s%n", n, reason));

    JsonNode schedules = http.get(urls.get(0) + "/schedules/" + date).body();
    JsonNode quota = http.get(urls.get(0) + "/quota/" + date).body();
    int finals = 0;
    int shorts = 0;
    Map<String, Integer> perSlot = new HashMap<>();
    for (JsonNode slot : schedules) {
      if (slot.path("video_type").asText().equals("final")) {
        finals++;
      } else {
        shorts++;
      }
      perSlot.merge(slot.path("time").asText(), 1, Integer::sum);
      out.printf("    %s  %-5s  %s%n", slot.path("time").asText(), slot.path("video_type").asText(),
          slot.path("video_path").asText());
    }
    int units = quota.path("api_units").asInt();
    int duplicates = perSlot.values().stream().mapToInt(n -> n - 1).sum();
    int overLimit = Math.max(0, finals - FINALS_PER_DAY) + Math.max(0, shorts - SHORTS_PER_DAY)
        + Math.max(0, (units - UNITS_PER_DAY + UNITS_PER_UPLOAD - 1) / UNITS_PER_UPLOAD);
    if (schedules.size() != accepted || units != accepted * UNITS_PER_UPLOAD) {
      out.printf("  INCONSISTENT: %d accepted, %d booked, %d units used%n", accepted,
          schedules.size(), units);
      overLimit += Math.abs(schedules.size() - accepted);
    }
    out.printf("  quota of %s: %s%n", date, quota);
    return String.format("RESULT scheduler instances=%d requests=%d date=%s accepted=%d "
        + "over_limit=%d duplicate_slots=%d quota_used=%d", urls.size(), REQUESTS, date, accepted,
        overLimit, duplicates, units);
  }
}
