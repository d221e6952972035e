package dev.baton.examples.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.examples.launcher.Json.BadRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A checked {@code POST /schedule} body: {@code {video_path, video_type: final|short,
 * preferred_time?}}, where {@code preferred_time} is a local date-time on the hour
 * ({@code 2026-12-03T10:00}). The TARGET date is the preferred time's date, or tomorrow when
 * none is given: quota is counted on the day the video goes out, not the day it was asked for.
 *
 * @param videoPath the file to upload
 * @param type the kind of video
 * @param day the target date
 * @param preferredHour the hour asked for, if any
 */
record UploadRequest(String videoPath, VideoType type, LocalDate day, Optional<Integer> preferredHour) {

  /** The hours a day offers for uploads: one upload per hour slot. */
  static final int FIRST_HOUR = 8;
  static final int LAST_HOUR = 21;

  /**
   * Checks a request body.
   *
   * @throws BadRequest naming what is wrong: a missing path, an unknown type, a time that is
   *     not a date-time, not on the hour, outside the day's slots or in the past
   */
  static UploadRequest parse(JsonNode body, Clock clock) {
    if (body == null || !body.isObject()) {
      throw new BadRequest("body must be a JSON object");
    }
    String path = text(body, "video_path");
    if (path == null || path.isBlank() || path.length() > 500) {
      throw new BadRequest("video_path is required (1 to 500 characters)");
    }
    String type = text(body, "video_type");
    if (type == null) {
      throw new BadRequest("video_type is required: final or short");
    }
    VideoType videoType = VideoType.parse(type);
    String preferred = text(body, "preferred_time");
    if (preferred == null) {
      return new UploadRequest(path, videoType, LocalDate.now(clock).plusDays(1), Optional.empty());
    }
    LocalDateTime time;
    try {
      time = LocalDateTime.parse(preferred);
    } catch (DateTimeParseException e) {
      throw new BadRequest("preferred_time must be a local date-time like 2026-12-03T10:00: "
          + preferred);
    }
    if (time.getMinute() != 0 || time.getSecond() != 0 || time.getNano() != 0) {
      throw new BadRequest("preferred_time must be on the hour: " + preferred);
    }
    if (time.getHour() < FIRST_HOUR || time.getHour() > LAST_HOUR) {
      throw new BadRequest("preferred_time must be between " + FIRST_HOUR + ":00 and "
          + LAST_HOUR + ":00: " + preferred);
    }
    if (!time.isAfter(LocalDateTime.now(clock))) {
      throw new BadRequest("preferred_time is in the past: " + preferred);
    }
    return new UploadRequest(path, videoType, time.toLocalDate(), Optional.of(time.getHour()));
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadRequest(field + " must be a string: " + value);
    }
    return value.asText();
  }
}
