package dev.baton.testkit.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recomputes a fault run's figures from its log, trusting neither the register's verdicts nor
 * its occupancy counter: the fence rule is replayed in register order, grants are ordered by
 * happened-before (a grant logged before another's acquire started came first at the store),
 * and beliefs are intervals from a grant to its end (release begun, onLost, {@code isValid()}
 * false). All timestamps come from one host's clock.
 *
 * <p>Stateless and thread-safe.
 */
public final class FaultChecker {
  /** More than this between two returns of a worker's acquire calls is a hung worker. */
  static final long HUNG_MICROS = 10_000_000L;
  /** A close() that takes longer than this is a hang. */
  static final long CLOSE_HANG_MS = 10_000L;
  private static final int MAX_NOTES = 10;

  private FaultChecker() {}

  /**
   * Computes the figures of one run.
   *
   * @param scenario the scenario's name
   * @param seconds how long the nemesis ran
   * @param log the run's log in register order
   * @param harnessErrors worker JVMs that exited abnormally
   * @param harnessNotes what they said
   * @return the figures
   */
  public static FaultReport check(String scenario, long seconds, List<LogEntry> log,
      int harnessErrors, List<String> harnessNotes) {
    List<Grant> grants = new ArrayList<>();
    Map<String, Grant> current = new HashMap<>();
    List<String> notes = new ArrayList<>(harnessNotes);
    int faults = 0;
    int writes = 0;
    int accepted = 0;
    int unavailable = 0;
    int undocumented = 0;
    int closeHangs = 0;
    long maxOccupancy = 0;
    long stopMicros = 0;
    for (LogEntry e : log) {
      stopMicros = Math.max(stopMicros, e.micros());
      switch (e.kind()) {
        case "GRANT" -> {
          Grant g = new Grant(e.worker(), e.token(), Long.parseLong(e.a()), e.micros());
          grants.add(g);
          current.put(key(e.worker(), e.token()), g);
          maxOccupancy = Math.max(maxOccupancy, Long.parseLong(e.c()));
        }
        case "RELEASING", "LOST", "INVALID", "TOLD" -> {
          Grant g = current.get(key(e.worker(), e.token()));
          if (g != null) {
            if (!e.kind().equals("TOLD")) {
              g.end = Math.min(g.end, e.micros());
            }
            if (!e.kind().equals("RELEASING")) {
              g.told = Math.min(g.told, e.micros());
            }
          }
        }
        case "WRITE" -> {
          writes++;
          if (e.aIsOne()) {
            accepted++;
          }
          maxOccupancy = Math.max(maxOccupancy, Long.parseLong(e.c()));
        }
        case "ATTEMPT" -> {
          if (e.a().equals("unavailable")) {
            unavailable++;
          }
        }
        case "ERROR" -> {
          undocumented++;
          note(notes, e.worker() + ": " + e.a());
        }
        case "CLOSED" -> {
          if (Long.parseLong(e.a()) > CLOSE_HANG_MS) {
            closeHangs++;
            note(notes, e.worker() + ": close() took " + e.a() + " ms");
          }
        }
        case "HUNG" -> {
          closeHangs++;
          note(notes, e.worker() + " did not exit after stop: " + e.a());
        }
        case "NEMESIS" -> {
          if (e.a().equals("begin")) {
            faults++;
          } else if (e.a().equals("killed") && e.b().startsWith("worker:")) {
            endGrantsOfKilled(grants, e.b().substring("worker:".length()), e.micros());
          }
        }
        default -> { }
      }
    }
    int[] order = tokenOrder(grants);
    int[] overlap = overlaps(grants, notes);
    long[] refusedFigures = refusals(log, grants);
    return new FaultReport(scenario, seconds, faults, grants.size(), writes, accepted,
        unavailable, staleAccepted(log), fenceMismatches(log), order[0], order[1],
        overlap[0], overlap[1], overlap[2], maxOccupancy, (int) refusedFigures[0],
        refusedFigures[1], hung(log, stopMicros), undocumented, closeHangs, harnessErrors,
        List.copyOf(notes));
  }

  /** A killed worker JVM believes nothing any more: its open grants end (and it is told). */
  private static void endGrantsOfKilled(List<Grant> grants, String process, long micros) {
    for (Grant g : grants) {
      if (process(g.worker).equals(process) && g.end == Long.MAX_VALUE) {
        g.end = micros;
        g.told = Math.min(g.told, micros);
      }
    }
  }

  private static String process(String worker) {
    return worker.contains(".") ? worker.substring(0, worker.indexOf('.')) : worker;
  }

  /** Accepted writes below the highest accepted token, or sharing another worker's token. */
  static int staleAccepted(List<LogEntry> log) {
    long max = 0;
    String maxWriter = null;
    int stale = 0;
    for (LogEntry e : log) {
      if (!e.kind().equals("WRITE") || !e.aIsOne()) {
        continue;
      }
      if (e.token() < max || (e.token() == max && !e.worker().equals(maxWriter))) {
        stale++;
      } else {
        max = e.token();
        maxWriter = e.worker();
      }
    }
    return stale;
  }

  /** Writes whose logged verdict differs from "accept when token >= highest accepted". */
  static int fenceMismatches(List<LogEntry> log) {
    long max = 0;
    int mismatches = 0;
    for (LogEntry e : log) {
      if (!e.kind().equals("WRITE")) {
        continue;
      }
      boolean expected = e.token() >= max;
      if (expected != e.aIsOne()) {
        mismatches++;
      }
      if (e.aIsOne()) {
        max = Math.max(max, e.token());
      }
    }
    return mismatches;
  }

  /** {regressions, duplicates}. */
  static int[] tokenOrder(List<Grant> grants) {
    int regressions = 0;
    for (Grant later : grants) {
      for (Grant earlier : grants) {
        if (earlier != later && earlier.granted < later.attemptStart
            && later.token < earlier.token) {
          regressions++;
          break;
        }
      }
    }
    Set<Long> seen = new HashSet<>();
    int duplicates = 0;
    for (Grant g : grants) {
      if (!seen.add(g.token)) {
        duplicates++;
      }
    }
    return new int[] {regressions, duplicates};
  }

  /** {overlaps, untold, longest told delay in ms}. */
  private static int[] overlaps(List<Grant> grants, List<String> notes) {
    int overlaps = 0;
    int untold = 0;
    long maxDelay = 0;
    for (Grant second : grants) {
      for (Grant first : grants) {
        if (first == second || first.worker.equals(second.worker)
            || first.granted >= second.granted || first.end <= second.granted) {
          continue;
        }
        // Two beliefs overlap. The stale holder is the one the store superseded: the earlier
        // grant, unless both were being granted at once and their replies crossed, when the
        // store granted the lower token first.
        boolean crossed = concurrent(first, second) && second.token < first.token;
        Grant stale = crossed ? second : first;
        Grant newer = crossed ? first : second;
        long overlapStart = Math.max(stale.granted, newer.granted);
        overlaps++;
        if (stale.told == Long.MAX_VALUE) {
          untold++;
          note(notes, "untold: " + stale.worker + " token " + stale.token + " granted at "
              + stale.granted + " still believed (" + (stale.end == Long.MAX_VALUE ? "to the end"
              : "until " + stale.end + ", then released") + ") when " + newer.worker
              + " was granted token " + newer.token + " at " + newer.granted);
        } else {
          maxDelay = Math.max(maxDelay, Math.max(0, stale.told - overlapStart) / 1000);
        }
      }
    }
    return new int[] {overlaps, untold, (int) maxDelay};
  }

  /**
   * Whether two grants were under way at once (each acquire began before the other returned):
   * then the order their replies arrived in says nothing of the store's order, and the tokens
   * do.
   */
  private static boolean concurrent(Grant a, Grant b) {
    return a.attemptStart < b.granted && b.attemptStart < a.granted;
  }

  /** {refused writes by the valid, newest holder; ms from the first to the last}. */
  private static long[] refusals(List<LogEntry> log, List<Grant> grants) {
    Map<String, Grant> byKey = new HashMap<>();
    long first = -1;
    long last = -1;
    int refused = 0;
    int index = 0;
    for (LogEntry e : log) {
      if (e.kind().equals("GRANT")) {
        byKey.put(key(e.worker(), e.token()), grants.get(index++));
        continue;
      }
      if (!e.kind().equals("WRITE") || e.aIsOne() || !e.bIsOne()) {
        continue;
      }
      Grant own = byKey.get(key(e.worker(), e.token()));
      boolean superseded = false;
      for (Grant other : grants) {
        if (other != own && other.granted < e.micros() && (own == null
            || other.granted > own.granted
            || (concurrent(own, other) && other.token > own.token))) {
          superseded = true; // by a later grant, or by a higher token granted at the same time
          break;
        }
      }
      if (!superseded) {
        refused++;
        first = first < 0 ? e.micros() : first;
        last = e.micros();
      }
    }
    return new long[] {refused, refused == 0 ? 0 : (last - first) / 1000};
  }

  /** Worker threads with a gap over 10 s between progress marks, outside nemesis suspensions. */
  private static int hung(List<LogEntry> log, long stopMicros) {
    Map<String, Long> lastMark = new HashMap<>();
    Set<String> hung = new HashSet<>();
    // In time order: marks are START and ATTEMPT; suspensions are the nemesis's own notes.
    List<LogEntry> sorted = new ArrayList<>(log);
    sorted.sort((x, y) -> Long.compare(x.micros(), y.micros()));
    Map<String, List<long[]>> suspensions = new HashMap<>();
    Map<String, Long> suspendedAt = new HashMap<>();
    for (LogEntry e : sorted) {
      if (e.kind().equals("NEMESIS") && e.b().startsWith("worker:")) {
        String process = e.b().substring("worker:".length());
        if (e.a().equals("paused") || e.a().equals("killed")) {
          suspendedAt.put(process, e.micros());
        } else if (e.a().equals("resumed") || e.a().equals("started")) {
          Long since = suspendedAt.remove(process);
          if (since != null) {
            suspensions.computeIfAbsent(process, k -> new ArrayList<>())
                .add(new long[] {since, e.micros()});
          }
        }
      }
    }
    for (LogEntry e : sorted) {
      if (!e.kind().equals("START") && !e.kind().equals("ATTEMPT")) {
        continue;
      }
      Long previous = lastMark.put(e.worker(), e.micros());
      if (previous != null && gapIsHung(e.worker(), previous, e.micros(), suspensions)) {
        hung.add(e.worker());
      }
    }
    for (Map.Entry<String, Long> mark : lastMark.entrySet()) {
      if (gapIsHung(mark.getKey(), mark.getValue(), stopMicros, suspensions)) {
        hung.add(mark.getKey());
      }
    }
    return hung.size();
  }

  private static boolean gapIsHung(String worker, long from, long to,
      Map<String, List<long[]>> suspensions) {
    if (to - from <= HUNG_MICROS) {
      return false;
    }
    for (long[] s : suspensions.getOrDefault(process(worker), List.of())) {
      if (s[0] < to && s[1] > from) {
        return false;
      }
    }
    return true;
  }

  private static void note(List<String> notes, String text) {
    if (notes.size() < MAX_NOTES) {
      notes.add(text);
    }
  }

  private static String key(String worker, long token) {
    return worker + "#" + token;
  }

  /** One grant and its belief interval. */
  static final class Grant {
    final String worker;
    final long token;
    final long attemptStart;
    final long granted;
    long end = Long.MAX_VALUE;
    long told = Long.MAX_VALUE;

    Grant(String worker, long token, long attemptStart, long granted) {
      this.worker = worker;
      this.token = token;
      this.attemptStart = attemptStart;
      this.granted = granted;
    }
  }
}
