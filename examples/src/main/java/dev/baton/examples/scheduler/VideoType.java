package dev.baton.examples.scheduler;

import dev.baton.examples.launcher.Json.BadRequest;
import java.util.Locale;

/** The kinds of upload and how many of each a day may hold (the seed's limits). */
enum VideoType {
  FINAL(2),
  SHORT(5);

  /** What one upload costs of the video API's daily quota. */
  static final int UNITS_PER_UPLOAD = 1_600;
  /** The video API's quota per day. */
  static final int UNITS_PER_DAY = 10_000;

  final int perDay;

  VideoType(int perDay) {
    this.perDay = perDay;
  }

  static VideoType parse(String text) {
    for (VideoType type : values()) {
      if (type.label().equals(text)) {
        return type;
      }
    }
    throw new BadRequest("video_type must be final or short: " + text);
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
