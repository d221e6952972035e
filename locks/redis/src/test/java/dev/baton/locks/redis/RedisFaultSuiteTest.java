package dev.baton.locks.redis;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testkit.RedisServer;
import dev.baton.testkit.faults.FaultReport;
import dev.baton.testkit.faults.FaultScenario;
import dev.baton.testkit.faults.Faults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis under the fault suite (testkit's {@code dev.baton.testkit.faults}): worker JVMs write a
 * fenced register while holders are paused past their lease, the server is killed and
 * restarted with and without persistence, and frozen past the lease. Tokens must never go
 * back, not even after a restart that lost every key.
 */
@Timeout(300)
class RedisFaultSuiteTest {

  @Test
  void withoutPersistence() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      FaultScenario scenario = FaultScenario.builder("redis-nopersist", RedisFaultBackend.class)
          .property("uri", redis.uri())
          .fault(Faults.pauseHolder())
          .fault(Faults.restartStore(redis))
          .fault(Faults.freezeStore(redis))
          .build();
      scenario.run().assertSafe(scenario.faultKinds());
    }
  }

  @Test
  void withAppendOnlyPersistence() throws Exception {
    try (RedisServer redis = RedisServer.builder().appendOnly(true).start()) {
      FaultScenario scenario = FaultScenario.builder("redis-persist", RedisFaultBackend.class)
          .property("uri", redis.uri())
          .seconds(8)
          .fault(Faults.restartStore(redis))
          .build();
      scenario.run().assertSafe(scenario.faultKinds());
    }
  }

  /**
   * The suite's self-test on a real lock: with a fence that accepts every write, the holder
   * paused past its lease writes after the next holder, and the checker must say so.
   */
  @Test
  void aBrokenFenceIsCaught() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      FaultReport report = FaultScenario.builder("selftest-redis-broken-fence",
              RedisFaultBackend.class)
          .property("uri", redis.uri())
          .seconds(8)
          .brokenFence(true)
          .fault(Faults.pauseHolder())
          .build()
          .run();
      assertTrue(report.staleAccepted() > 0, report.line());
      assertThrows(AssertionError.class, () -> report.assertSafe(1));
    }
  }
}
