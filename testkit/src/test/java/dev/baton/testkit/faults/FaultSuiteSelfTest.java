package dev.baton.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A checker that cannot fail is worthless: the suite is run against a lock that grants every
 * request and against a fence that accepts every write, and must flag both.
 */
@Timeout(240)
class FaultSuiteSelfTest {

  @Test
  void flagsALockThatAlwaysGrants() throws Exception {
    FaultReport report = FaultScenario.builder("selftest-broken-lock", BrokenLockBackend.class)
        .seconds(6)
        .build()
        .run();
    assertTrue(report.overlaps() > 0, report.line());
    assertTrue(report.untold() > 0, "overlapping holders were never told: " + report.line());
    assertEquals(0, report.staleAccepted(), "the fence itself works: " + report.line());
    AssertionError error = assertThrows(AssertionError.class, report::assertSafe);
    assertTrue(error.getMessage().contains("untold="), error.getMessage());
  }

  @Test
  void flagsAFenceThatAcceptsEveryWrite() throws Exception {
    FaultReport report = FaultScenario.builder("selftest-broken-fence", BrokenLockBackend.class)
        .seconds(6)
        .brokenFence(true)
        .build()
        .run();
    assertTrue(report.staleAccepted() > 0, report.line());
    assertTrue(report.fenceMismatches() > 0, report.line());
    AssertionError error = assertThrows(AssertionError.class, report::assertSafe);
    assertTrue(error.getMessage().contains("stale-accepted="), error.getMessage());
  }
}
