package dev.baton.examples.scheduler;

import dev.baton.tx.DailyCounter;
import dev.baton.tx.Transactor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The scheduler's state in the database: the daily quotas (a {@link DailyCounter} table) and the
 * booked time slots. {@link #book} is the fix for seed 003, where two instances read the quota,
 * both saw room, and both booked: the quota of the target date and the time slot are taken in
 * ONE transaction, and the decision happens under the database's row locks, never on a value
 * read earlier.
 *
 * <p>Thread-safe: every call runs in a transaction of its own.
 */
final class ScheduleBook {
  static final DailyCounter QUOTA = DailyCounter.of("upload_quota");
  /** The quota row of the video API's units; every booking of a day takes it. */
  static final String API_UNITS = "api-units";
  /*
   * No unique constraint on (slot_day, slot_hour) on purpose: the example shows the row lock
   * doing the work, and the launcher counts duplicate slots to prove it. A production schema
   * adds UNIQUE (slot_day, slot_hour) as a second line of defence.
   */
  private static final String CREATE_SLOTS = "CREATE TABLE IF NOT EXISTS video_slots ("
      + "slot_day DATE NOT NULL, slot_hour INT NOT NULL, video_path VARCHAR(500) NOT NULL, "
      + "video_type VARCHAR(10) NOT NULL)";

  private final Transactor tx;

  ScheduleBook(Transactor tx) {
    this.tx = tx;
  }

  /** Creates the tables if missing (every instance does so at start; the first one wins). */
  void createSchema() throws SQLException {
    try {
      tx.useTransaction(this::createTables);
    } catch (RuntimeException e) {
      // Instances start together: on PostgreSQL two concurrent CREATE ... IF NOT EXISTS can
      // still collide. The other instance created the table; check once more.
      tx.useTransaction(this::createTables);
    }
  }

  private void createTables(Connection c) throws SQLException {
    QUOTA.createTable(c);
    try (PreparedStatement create = c.prepareStatement(CREATE_SLOTS)) {
      create.execute();
    }
  }

  /**
   * Books the request's slot and quota, or nothing.
   *
   * @return the hour booked
   * @throws Refused if the day's limit for the type, the API's units or the day's slots are used
   *     up (the transaction rolled back: nothing was taken)
   */
  int book(UploadRequest request) throws SQLException {
    // Serialization failures and deadlocks are retried by the Transactor (RetryPolicy.defaults):
    // the whole function runs again on a fresh transaction, so it must not keep state outside.
    return tx.inTransaction(c -> {
      LocalDate day = request.day();
      VideoType type = request.type();
      // 1. The type's row of the TARGET date. The conditional UPDATE inside tryReserve locks
      //    the row and re-reads it after any concurrent booking committed: no overbooking.
      if (!QUOTA.tryReserve(c, "videos-" + type.label(), day, 1, type.perDay)) {
        throw new Refused("the limit of " + type.perDay + " " + type.label()
            + " videos on " + day + " is used up");
      }
      // 2. The API units of that date. Every booking of the day takes this row, always after
      //    its type's row (one order everywhere, so no deadlock), and holds it to the commit.
      if (!QUOTA.tryReserve(c, API_UNITS, day, VideoType.UNITS_PER_UPLOAD, VideoType.UNITS_PER_DAY)) {
        throw new Refused("the video API's quota of " + VideoType.UNITS_PER_DAY + " units on "
            + day + " is used up (" + VideoType.UNITS_PER_UPLOAD + " per upload)");
      }
      // 3. The slot. We hold the day's units row, so no other booking of this day is between
      //    this read and our insert: the free slot we see stays free until we commit.
      int hour = freeHour(c, day, request.preferredHour().orElse(UploadRequest.FIRST_HOUR));
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO video_slots (slot_day, slot_hour, video_path, video_type) VALUES (?, ?, ?, ?)")) {
        insert.setObject(1, day);
        insert.setInt(2, hour);
        insert.setString(3, request.videoPath());
        insert.setString(4, type.label());
        insert.executeUpdate();
      }
      return hour;
    });
  }

  /** The preferred hour if free, else the next free one that day. */
  private static int freeHour(Connection c, LocalDate day, int preferred) throws SQLException {
    TreeSet<Integer> taken = new TreeSet<>();
    try (PreparedStatement query = c.prepareStatement(
        "SELECT slot_hour FROM video_slots WHERE slot_day = ?")) {
      query.setObject(1, day);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          taken.add(rows.getInt(1));
        }
      }
    }
    for (int hour = preferred; hour <= UploadRequest.LAST_HOUR; hour++) {
      if (!taken.contains(hour)) {
        return hour;
      }
    }
    throw new Refused("no free slot on " + day + " at or after " + preferred + ":00");
  }

  /** {@return the day's counters: videos per type and API units} */
  Map<String, Object> quota(LocalDate day) throws SQLException {
    return tx.inTransaction(c -> {
      Map<String, Object> quota = new LinkedHashMap<>();
      quota.put("date", day.toString());
      for (VideoType type : VideoType.values()) {
        quota.put(type.label(), QUOTA.used(c, "videos-" + type.label(), day));
        quota.put(type.label() + "_limit", type.perDay);
      }
      quota.put("api_units", QUOTA.used(c, API_UNITS, day));
      quota.put("api_units_limit", VideoType.UNITS_PER_DAY);
      return quota;
    });
  }

  /** {@return the day's booked slots, by hour} */
  List<Map<String, Object>> schedules(LocalDate day) throws SQLException {
    return tx.inTransaction(c -> {
      List<Map<String, Object>> slots = new ArrayList<>();
      try (PreparedStatement query = c.prepareStatement("SELECT slot_hour, video_path, video_type "
          + "FROM video_slots WHERE slot_day = ? ORDER BY slot_hour")) {
        query.setObject(1, day);
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            slots.add(Map.of("time", String.format("%sT%02d:00", day, rows.getInt(1)),
                "video_path", rows.getString(2), "video_type", rows.getString(3)));
          }
        }
      }
      return slots;
    });
  }

  /** A booking the limits do not allow; answered with 409 and this reason. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason);
    }
  }
}
