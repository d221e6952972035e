package dev.baton.testkit.faults;

import dev.baton.testkit.Resp;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fenced resource of a fault run and its append-only log, kept in a Redis that the nemesis
 * never faults. Each write runs as one Lua script, so the fence check, the new register value
 * and the log entry of the attempt (worker, token, accepted, {@code isValid()} at the time, the
 * register's clock, the occupancy) are one atomic step: the log order is the register's order.
 * The register accepts a write whose token is at least the last accepted one (a holder writes
 * several times with its token); a {@code broken} register accepts every write, for the
 * suite's self-test. Grants and ends of belief move an occupancy counter: how many workers
 * believe they hold the name.
 *
 * <p>Thread-safe: calls are serialized on one connection.
 */
public final class FencedRegister implements Closeable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  // KEYS: register, log, occupancy. ARGV: token, worker, valid (1/0), broken (1/0).
  // Accepts when broken or token >= the register's value; the entry is stamped with TIME.
  private static final String WRITE = String.join("\n",
      "local t = redis.call('TIME')",
      "local now = t[1] .. string.format('%06d', tonumber(t[2]))",
      "local current = redis.call('GET', KEYS[1])",
      "local ok = ARGV[4] == '1' or current == false or tonumber(ARGV[1]) >= tonumber(current)",
      "if ok then redis.call('SET', KEYS[1], ARGV[1]) end",
      "local occ = redis.call('GET', KEYS[3]) or '0'",
      "redis.call('RPUSH', KEYS[2], table.concat({now, 'WRITE', ARGV[2], ARGV[1],"
          + " ok and '1' or '0', ARGV[3], occ}, '\\t'))",
      "if ok then return 1 else return 0 end");

  // KEYS: log, occupancy, holder. ARGV: time, worker, token, attemptStart, long (1/0).
  private static final String GRANT = String.join("\n",
      "local occ = redis.call('INCR', KEYS[2])",
      "if ARGV[5] == '1' then redis.call('SET', KEYS[3], ARGV[2]) end",
      "redis.call('RPUSH', KEYS[1], table.concat({ARGV[1], 'GRANT', ARGV[2], ARGV[3], ARGV[4],"
          + " ARGV[5], tostring(occ)}, '\\t'))",
      "return occ");

  // KEYS: log, occupancy, holder. ARGV: time, kind, worker, token, detail.
  private static final String END = String.join("\n",
      "local occ = redis.call('DECR', KEYS[2])",
      "if redis.call('GET', KEYS[3]) == ARGV[3] then redis.call('DEL', KEYS[3]) end",
      "redis.call('RPUSH', KEYS[1], table.concat({ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5],"
          + " '', tostring(occ)}, '\\t'))",
      "return occ");

  // KEYS: log. ARGV: start, stop. The entries joined by newlines, as RESP arrays are not read.
  private static final String RANGE =
      "return table.concat(redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2]), '\\n')";

  private final Resp resp;
  private final String run;
  private final boolean broken;
  private final ReentrantLock lock = new ReentrantLock();

  private FencedRegister(Resp resp, String run, boolean broken) {
    this.resp = resp;
    this.run = run;
    this.broken = broken;
  }

  /**
   * Connects to the register of one run.
   *
   * @param host the register Redis's host
   * @param port its port
   * @param run the run's id; every key of the run starts with it
   * @param broken whether the fence accepts every write (self-test only)
   * @return the connected register; the caller closes it
   * @throws IOException if the register Redis cannot be reached
   */
  public static FencedRegister connect(String host, int port, String run, boolean broken)
      throws IOException {
    return new FencedRegister(Resp.connect(host, port, TIMEOUT), run, broken);
  }

  /** {@return the current time in microseconds since the epoch, as every entry is stamped} */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /**
   * Writes the register with a holder's token, fenced, and logs the attempt.
   *
   * @param worker the writing worker's id
   * @param token the lease's fencing token
   * @param valid what the lease's {@code isValid()} said just before
   * @return whether the register accepted the write
   * @throws IOException if the register Redis fails
   */
  public boolean write(String worker, long token, boolean valid) throws IOException {
    String reply = eval(WRITE, List.of(key("register"), key("log"), key("occupancy")),
        List.of(Long.toString(token), worker, valid ? "1" : "0", broken ? "1" : "0"));
    return "1".equals(reply);
  }

  /**
   * Logs a grant and counts its worker as a believer.
   *
   * @param worker the worker
   * @param token the grant's token
   * @param attemptStart when the acquire call that returned it started (microseconds)
   * @param longHold whether the worker will hold it long (the nemesis pauses such holders)
   * @throws IOException if the register Redis fails
   */
  public void grant(String worker, long token, long attemptStart, boolean longHold)
      throws IOException {
    eval(GRANT, List.of(key("log"), key("occupancy"), key("holder")),
        List.of(Long.toString(nowMicros()), worker, Long.toString(token),
            Long.toString(attemptStart), longHold ? "1" : "0"));
  }

  /**
   * Logs the end of a worker's belief that it holds a grant (it starts releasing, or was told
   * that the lease is lost) and counts it out.
   *
   * @param micros when it happened
   * @param kind {@code RELEASING}, {@code LOST} or {@code INVALID}
   * @param worker the worker
   * @param token the grant's token
   * @throws IOException if the register Redis fails
   */
  public void endBelief(long micros, String kind, String worker, long token) throws IOException {
    eval(END, List.of(key("log"), key("occupancy"), key("holder")),
        List.of(Long.toString(micros), kind, worker, Long.toString(token), ""));
  }

  /**
   * Appends an entry that moves no counter: progress, a told lease after belief ended, an
   * error, a close.
   *
   * @param micros when it happened
   * @param kind the entry's kind, see {@link LogEntry}
   * @param worker the worker's id, or {@code nemesis}
   * @param token the token concerned, or 0
   * @param detail free text (field {@code a}); tabs and newlines become spaces
   * @throws IOException if the register Redis fails
   */
  public void note(long micros, String kind, String worker, long token, String detail)
      throws IOException {
    note(micros, kind, worker, token, detail, "");
  }

  /**
   * Appends an entry with two detail fields, e.g. a nemesis step and its target.
   *
   * @param micros when it happened
   * @param kind the entry's kind, see {@link LogEntry}
   * @param worker the worker's id, or {@code nemesis}
   * @param token the token concerned, or 0
   * @param a field {@code a}; tabs and newlines become spaces
   * @param b field {@code b}; tabs and newlines become spaces
   * @throws IOException if the register Redis fails
   */
  public void note(long micros, String kind, String worker, long token, String a, String b)
      throws IOException {
    call("RPUSH", key("log"), String.join("\t", Long.toString(micros), kind, worker,
        Long.toString(token), clean(a), clean(b), ""));
  }

  private static String clean(String text) {
    return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * The worker currently holding a long grant, as last logged.
   *
   * @return its id, or null when none holds a long grant
   * @throws IOException if the register Redis fails
   */
  public String longHolder() throws IOException {
    return call("GET", key("holder"));
  }

  /**
   * Reads the whole log, in register order.
   *
   * @return the entries
   * @throws IOException if the register Redis fails or an entry is malformed
   */
  public List<LogEntry> readLog() throws IOException {
    List<LogEntry> entries = new ArrayList<>();
    int batch = 2000;
    for (int start = 0; ; start += batch) {
      String text = eval(RANGE, List.of(key("log")),
          List.of(Integer.toString(start), Integer.toString(start + batch - 1)));
      if (text == null || text.isEmpty()) {
        return entries;
      }
      List<String> lines = text.lines().toList();
      for (String line : lines) {
        entries.add(LogEntry.parse(line));
      }
      if (lines.size() < batch) {
        return entries;
      }
    }
  }

  private String key(String part) {
    return "{faults:" + run + "}:" + part;
  }

  private String eval(String script, List<String> keys, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("EVAL");
    command.add(script);
    command.add(Integer.toString(keys.size()));
    command.addAll(keys);
    command.addAll(args);
    return call(command.toArray(new String[0]));
  }

  private String call(String... command) throws IOException {
    lock.lock();
    try {
      String reply = resp.call(command);
      if (reply != null && reply.startsWith("-")) {
        throw new IOException("The register Redis answered " + command[0] + " with " + reply);
      }
      return reply;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the connection. */
  @Override
  public void close() throws IOException {
    resp.close();
  }
}
