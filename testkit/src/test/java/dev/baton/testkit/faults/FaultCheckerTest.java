package dev.baton.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker's figures on hand-written logs: each figure can be non-zero, and only then. */
class FaultCheckerTest {
  private static final long S = 1_000_000L;
  private final List<LogEntry> log = new ArrayList<>();

  private void add(long micros, String kind, String worker, long token, String a, String b,
      String c) {
    log.add(new LogEntry(micros, kind, worker, token, a, b, c));
  }

  private void grant(long micros, String worker, long token) {
    add(micros - 10, "ATTEMPT", worker, 0, "granted", "", "");
    add(micros, "GRANT", worker, token, Long.toString(micros - 100), "0", "1");
  }

  private FaultReport check() {
    return FaultChecker.check("t", 1, log, 0, List.of());
  }

  @Test
  void aCleanHandOverHasNoFigure() {
    grant(1 * S, "w0", 10);
    add(1 * S + 1, "WRITE", "w0", 10, "1", "1", "1");
    add(1 * S + 2, "RELEASING", "w0", 10, "", "", "0");
    grant(2 * S, "w1", 11);
    add(2 * S + 1, "WRITE", "w1", 11, "1", "1", "1");
    add(2 * S + 2, "RELEASING", "w1", 11, "", "", "0");
    FaultReport r = check();
    assertEquals(List.of(), r.failures(0), r.line());
    assertEquals(0, r.overlaps());
  }

  @Test
  void aLowerTokenAfterAHandOverIsARegressionAndItsRefusalIsCounted() {
    grant(1 * S, "w0", 10);
    add(1 * S + 1, "WRITE", "w0", 10, "1", "1", "1");
    add(1 * S + 2, "RELEASING", "w0", 10, "", "", "0");
    grant(2 * S, "w1", 3);
    add(2 * S + 1, "WRITE", "w1", 3, "0", "1", "1");
    FaultReport r = check();
    assertEquals(1, r.regressions(), r.line());
    assertEquals(1, r.refused(), r.line());
    assertEquals(0, r.staleAccepted(), r.line());
  }

  @Test
  void aStaleHolderMustBeTold() {
    grant(1 * S, "w0", 10);
    grant(3 * S, "w1", 11);
    add(4 * S, "RELEASING", "w0", 10, "", "", "1");
    FaultReport r = check();
    assertEquals(1, r.overlaps(), r.line());
    assertEquals(1, r.untold(), r.line());

    log.clear();
    grant(1 * S, "w0", 10);
    grant(3 * S, "w1", 11);
    add(3 * S + 500_000, "LOST", "w0", 10, "", "", "1");
    r = check();
    assertEquals(1, r.overlaps(), r.line());
    assertEquals(0, r.untold(), r.line());
    assertEquals(500, r.maxToldDelayMs(), r.line());
  }

  @Test
  void anAcceptedLowerTokenIsStaleWhateverTheRegisterSaid() {
    add(1 * S, "WRITE", "w1", 11, "1", "1", "1");
    add(2 * S, "WRITE", "w0", 10, "1", "0", "1");
    FaultReport r = check();
    assertEquals(1, r.staleAccepted(), r.line());
    assertEquals(1, r.fenceMismatches(), r.line());
  }

  @Test
  void aGapOfMoreThanTenSecondsIsHungUnlessTheNemesisPausedTheWorker() {
    add(1 * S, "START", "w0", 0, "", "", "");
    add(12 * S, "ATTEMPT", "w0", 0, "empty", "", "");
    assertEquals(1, check().hung(), check().line());

    log.clear();
    add(1 * S, "START", "w0", 0, "", "", "");
    add(2 * S, "NEMESIS", "nemesis", 0, "paused", "worker:w0", "");
    add(9 * S, "NEMESIS", "nemesis", 0, "resumed", "worker:w0", "");
    add(12 * S, "ATTEMPT", "w0", 0, "empty", "", "");
    assertEquals(0, check().hung(), check().line());
  }

  @Test
  void errorsSlowClosesAndWorkersThatDoNotExitAreCounted() {
    add(1 * S, "ERROR", "w0", 0, "java.lang.IllegalStateException: boom", "acquire", "");
    add(2 * S, "CLOSED", "w0", 0, "10001", "", "");
    add(3 * S, "HUNG", "w1", 0, "still running", "", "");
    FaultReport r = check();
    assertEquals(1, r.undocumented(), r.line());
    assertEquals(2, r.closeHangs(), r.line());
  }

  @Test
  void aKilledWorkersGrantsEndAtItsKill() {
    grant(1 * S, "w0.1", 10);
    add(2 * S, "NEMESIS", "nemesis", 0, "killed", "worker:w0", "");
    grant(3 * S, "w0.2", 11);
    assertEquals(0, check().overlaps(), check().line());
  }
}
