package dev.baton.examples.scheduler;

import dev.baton.examples.launcher.Json;
import dev.baton.examples.launcher.Json.BadRequest;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's routes: {@code POST /schedule}, {@code GET /quota/{date}},
 * {@code GET /schedules/{date}}. 201 booked, 409 refused by a limit, 400 bad input, 500 else.
 */
final class SchedulerHttp implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(SchedulerHttp.class);

  private final ScheduleBook book;
  private final Clock clock;

  SchedulerHttp(ScheduleBook book, Clock clock) {
    this.book = book;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    try {
      if (method.equals("POST") && path.equals("/schedule")) {
        schedule(exchange);
      } else if (method.equals("GET") && path.startsWith("/quota/")) {
        Json.reply(exchange, 200, book.quota(date(path.substring("/quota/".length()))));
      } else if (method.equals("GET") && path.startsWith("/schedules/")) {
        Json.reply(exchange, 200, book.schedules(date(path.substring("/schedules/".length()))));
      } else {
        Json.reply(exchange, 404, Map.of("error", "no route " + method + " " + path));
      }
    } catch (BadRequest e) {
      Json.reply(exchange, 400, Map.of("error", e.getMessage()));
    } catch (ScheduleBook.Refused e) {
      Json.reply(exchange, 409, Map.of("error", e.getMessage()));
    } catch (Exception e) {
      log.error("{} {} failed", method, path, e);
      Json.reply(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private void schedule(HttpExchange exchange) throws Exception {
    UploadRequest request = UploadRequest.parse(Json.read(exchange), clock);
    int hour = book.book(request);
    log.info("booked {} ({}) on {} at {}:00", request.videoPath(), request.type().label(),
        request.day(), hour);
    Json.reply(exchange, 201, Map.of("status", "scheduled", "video_path", request.videoPath(),
        "time", String.format("%sT%02d:00", request.day(), hour)));
  }

  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadRequest("date must be YYYY-MM-DD: " + text);
    }
  }
}
