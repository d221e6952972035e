package dev.baton.testkit.faults;

import java.io.IOException;

/**
 * One entry of a fault run's log, as {@link FencedRegister} stores it: seven tab-separated
 * fields. Kinds and their fields {@code a}, {@code b}, {@code c}:
 * <ul>
 *   <li>{@code START}: a worker thread began (a = its process's pid);
 *   <li>{@code ATTEMPT}: an acquire call returned (a = {@code granted}, {@code empty},
 *       {@code unavailable} or {@code error}) — the worker's progress;
 *   <li>{@code GRANT}: a lease was granted (a = when the acquire started, b = 1 for a long
 *       hold, c = the occupancy after counting it);
 *   <li>{@code WRITE}: a fenced write (a = 1 if accepted, b = 1 if {@code isValid()} was true,
 *       c = the occupancy); stamped with the register's clock, in register order;
 *   <li>{@code RELEASING}, {@code LOST}, {@code INVALID}: the worker stopped believing it
 *       holds the grant (it began to release, onLost ran, {@code isValid()} was false);
 *       {@code TOLD}: onLost ran or {@code isValid()} turned false after that;
 *   <li>{@code RELEASED}: release returned (a = its result);
 *   <li>{@code ERROR}: an exception from the lock API (a = class and message, b = the call);
 *   <li>{@code CLOSED}: the provider's close() returned (a = milliseconds it took);
 *   <li>{@code NEMESIS}: a fault step (worker = {@code nemesis}, a = the step, b = the target);
 *   <li>{@code HUNG}: a worker process did not exit in time after being told to stop.
 * </ul>
 *
 * @param micros when it happened, microseconds since the epoch (one host, one clock)
 * @param kind the kind, see above
 * @param worker the worker's id, e.g. {@code w2}
 * @param token the fencing token concerned, or 0
 * @param a first detail field
 * @param b second detail field
 * @param c third detail field
 */
public record LogEntry(long micros, String kind, String worker, long token, String a, String b,
    String c) {

  /**
   * Parses one stored line.
   *
   * @param line the line, seven tab-separated fields
   * @return the entry
   * @throws IOException if the line is malformed
   */
  public static LogEntry parse(String line) throws IOException {
    String[] f = line.split("\t", -1);
    if (f.length != 7) {
      throw new IOException("Malformed fault log entry (" + f.length + " fields): " + line);
    }
    try {
      return new LogEntry(Long.parseLong(f[0]), f[1], f[2], Long.parseLong(f[3]), f[4], f[5],
          f[6]);
    } catch (NumberFormatException e) {
      throw new IOException("Malformed fault log entry: " + line, e);
    }
  }

  /** {@return whether field {@code a} says 1} */
  boolean aIsOne() {
    return "1".equals(a);
  }

  /** {@return whether field {@code b} says 1} */
  boolean bIsOne() {
    return "1".equals(b);
  }
}
