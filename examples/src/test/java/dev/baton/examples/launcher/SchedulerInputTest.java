package dev.baton.examples.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A single scheduler instance, started alone on its own in-memory H2, answers bad input with 400. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SchedulerInputTest {
  private static Instances instance;
  private static String url;
  private final HttpCalls http = new HttpCalls();

  @BeforeAll
  static void start() throws Exception {
    instance = Instances.start("dev.baton.examples.scheduler.SchedulerMain", 1, List.of());
    url = instance.urls().get(0);
  }

  @AfterAll
  static void stop() throws Exception {
    assertEquals(0, instance.stop(), "the instance did not stop on SIGTERM");
  }

  @Test
  void malformedJson() throws Exception {
    assertBadRequest("{\"video_path\": ", "malformed JSON");
  }

  @Test
  void unknownType() throws Exception {
    assertBadRequest("{\"video_path\": \"/v.mp4\", \"video_type\": \"trailer\"}",
        "video_type must be final or short: trailer");
  }

  @Test
  void timeInThePast() throws Exception {
    assertBadRequest("{\"video_path\": \"/v.mp4\", \"video_type\": \"short\", \"preferred_time\": \""
        + LocalDate.now().minusDays(1) + "T10:00\"}", "preferred_time is in the past");
  }

  @Test
  void timeOffTheHour() throws Exception {
    assertBadRequest("{\"video_path\": \"/v.mp4\", \"video_type\": \"short\", \"preferred_time\": \""
        + LocalDate.now().plusDays(1) + "T10:30\"}", "preferred_time must be on the hour");
  }

  @Test
  void aGoodRequestIsBookedOnItsTargetDate() throws Exception {
    LocalDate date = LocalDate.now().plusDays(3);
    HttpCalls.Answer answer = http.post(url + "/schedule", "{\"video_path\": \"/v.mp4\", "
        + "\"video_type\": \"final\", \"preferred_time\": \"" + date + "T11:00\"}");
    assertEquals(201, answer.status(), String.valueOf(answer.body()));
    assertEquals(date + "T11:00", answer.body().path("time").asText());
    HttpCalls.Answer quota = http.get(url + "/quota/" + date);
    assertEquals(1, quota.body().path("final").asInt(), quota.body().toString());
    assertEquals(1_600, quota.body().path("api_units").asInt(), quota.body().toString());
    assertEquals(0, http.get(url + "/quota/" + LocalDate.now()).body().path("final").asInt(),
        "the quota was counted on today, not on the target date");
  }

  private void assertBadRequest(String body, String message) throws Exception {
    HttpCalls.Answer answer = http.post(url + "/schedule", body);
    assertEquals(400, answer.status(), String.valueOf(answer.body()));
    assertTrue(answer.body().path("error").asText().contains(message), answer.body().toString());
  }
}
