package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockUnavailableException;
import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.LockAssertions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The session strategies when their connections die: killed from the server side, the server
 * stalled, the server restarted.
 */
abstract class SessionLossScenarios {
  static final Duration LONG = Duration.ofMinutes(5);

  abstract DataSource dataSource();

  /** Kills, from another connection, every server session holding one of these names. */
  abstract int killSessionsHolding(List<String> names) throws Exception;

  /** A private server this test may stall and restart; closed by the caller. */
  abstract JdbcTestServer privateServer();

  abstract DataSource dataSource(JdbcTestServer server);

  @Test
  void killedHoldingSessionsLoseEveryLeaseOnThemAndFreeTheNames() throws Exception {
    String prefix = "killed/" + UUID.randomUUID() + "/";
    try (JdbcLockProvider holder = JdbcLockProvider.builder(dataSource())
            .heartbeat(Duration.ofMillis(200)).build();
        JdbcLockProvider next = JdbcLockProvider.create(dataSource())) {
      int count = 40;
      List<String> names = new ArrayList<>();
      Set<String> lost = ConcurrentHashMap.newKeySet();
      AtomicInteger lostRuns = new AtomicInteger();
      CountDownLatch allLost = new CountDownLatch(count);
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = prefix + i;
        names.add(name);
        Lease lease = holder.tryAcquire(name, LONG).orElseThrow();
        lease.onLost(() -> {
          lostRuns.incrementAndGet();
          lost.add(name);
          allLost.countDown();
        });
        leases.add(lease);
      }
      int killed = killSessionsHolding(names);
      assertTrue(killed >= 1 && killed <= 2, "the leases sat on " + killed + " sessions, not 1 or 2");
      assertTrue(allLost.await(20, TimeUnit.SECONDS),
          "onLost ran for " + lost.size() + " of " + count + " leases within 20 s of the kill");
      Thread.sleep(100);
      assertEquals(count, lostRuns.get(), "onLost must run once per lease");
      for (Lease lease : leases) {
        assertFalse(lease.isValid(), "a lease of a killed session is still valid: " + lease);
        assertFalse(lease.release(), "release of a lost lease");
        assertTrue(next.tryAcquire(lease.name(), LONG).isPresent(), "not freed by the kill: " + lease.name());
      }
      // The provider opens new sessions and goes on.
      Lease again = holder.tryAcquire(prefix + "after", LONG).orElseThrow();
      assertTrue(again.release());
    }
  }

  @Test
  void stalledServerIsReportedAsUnavailableAndRestartKeepsTokensIncreasing() throws Exception {
    try (JdbcTestServer server = privateServer()) {
      DataSource ds = dataSource(server);
      String name = "outage/" + UUID.randomUUID();
      Duration timeout = Duration.ofSeconds(1);
      try (JdbcLockProvider locks = JdbcLockProvider.builder(ds).timeout(timeout)
          .heartbeat(Duration.ofMillis(300)).build()) {
        Lease held = locks.tryAcquire(name, LONG).orElseThrow();
        long before = held.fencingToken();
        server.pause();
        try {
          // One bound: the statement's network timeout, plus the new-connection timeout.
          LockAssertions.assertUnavailableWithin(locks, timeout.multipliedBy(2).plusSeconds(3), "failed");
          long begin = System.nanoTime();
          assertFalse(held.release(), "release against a stalled server");
          long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
          assertTrue(took < timeout.toMillis() + 3_000, "release took " + took + " ms");
        } finally {
          server.resume();
        }
        server.restart();
        Lease after = locks.tryAcquire(name, LONG).orElseThrow(
            () -> new AssertionError("the name must be free after the restart"));
        assertTrue(after.fencingToken() > before,
            "tokens survive restarts: " + after.fencingToken() + " must be > " + before);
        assertTrue(after.release());
      }
    }
  }

  @Test
  void unreachableServerFailsBuildPromptly() {
    JdbcTestServer server = privateServer();
    DataSource ds = dataSource(server);
    server.close();
    long begin = System.nanoTime();
    try {
      JdbcLockProvider.builder(ds).timeout(Duration.ofSeconds(1)).build().close();
      throw new AssertionError("built a provider on a stopped server");
    } catch (LockUnavailableException expected) {
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      assertTrue(took < 5_000, "took " + took + " ms to report the outage");
    }
  }
}
