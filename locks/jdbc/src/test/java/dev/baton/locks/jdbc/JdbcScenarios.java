package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What every database must do beyond the contract: many names at once, namespaces, the
 * strategy AUTO picks, and transaction-scoped locks.
 */
abstract class JdbcScenarios {
  static final Duration LONG = Duration.ofMinutes(5);

  abstract DataSource dataSource();

  abstract JdbcLockProvider.Strategy expectedStrategy();

  final String unique(String what) {
    return getClass().getSimpleName() + "/" + what + "/" + UUID.randomUUID();
  }

  @Test
  void autoPicksTheDatabasesStrategy() {
    try (JdbcLockProvider locks = JdbcLockProvider.create(dataSource())) {
      assertEquals(expectedStrategy(), locks.strategy());
      Lease lease = locks.tryAcquire(unique("store"), LONG).orElseThrow();
      assertFalse(lease.store().equals("jdbc"), "the store names the database: " + lease.store());
      assertTrue(lease.release());
    }
  }

  @Test
  void tenThousandNamesAtOnceWithoutACollision() {
    int count = 10_000;
    String prefix = unique("many");
    try (JdbcLockProvider holder = JdbcLockProvider.create(dataSource());
        JdbcLockProvider other = JdbcLockProvider.create(dataSource())) {
      List<Lease> leases = new ArrayList<>(count);
      Set<Long> tokens = new HashSet<>();
      for (int i = 0; i < count; i++) {
        String name = prefix + "/" + i;
        Lease lease = holder.tryAcquire(name, LONG).orElseThrow(
            () -> new AssertionError("not granted, so it collided with a held name: " + name));
        leases.add(lease);
        tokens.add(lease.fencingToken());
      }
      assertEquals(count, leases.size());
      if (expectedStrategy() == JdbcLockProvider.Strategy.POSTGRESQL_ADVISORY) {
        assertEquals(count, tokens.size(), "tokens come from one sequence: all distinct");
      }
      checkHeldAtServer(holder, leases);
      int refused = 0;
      for (Lease lease : leases) {
        if (other.tryAcquire(lease.name(), LONG).isEmpty()) {
          refused++;
        }
      }
      assertEquals(count, refused, "another provider must be refused every held name");
      for (Lease lease : leases) {
        assertTrue(lease.release(), "release of " + lease.name());
      }
      for (int i = 0; i < count; i += 997) {
        assertTrue(other.tryAcquire(prefix + "/" + i, LONG).isPresent(), "freed: " + i);
      }
    }
  }

  /** Where the database can show it, that the held names sit on few connections. */
  void checkHeldAtServer(JdbcLockProvider holder, List<Lease> leases) {}

  @Test
  void namespacesDoNotExcludeEachOther() {
    String name = unique("namespaced");
    try (JdbcLockProvider a = JdbcLockProvider.builder(dataSource()).namespace("team-a").build();
        JdbcLockProvider b = JdbcLockProvider.builder(dataSource()).namespace("team-b").build();
        JdbcLockProvider a2 = JdbcLockProvider.builder(dataSource()).namespace("team-a").build()) {
      assertTrue(a.tryAcquire(name, LONG).isPresent());
      assertTrue(b.tryAcquire(name, LONG).isPresent(), "another namespace is another lock");
      assertTrue(a2.tryAcquire(name, LONG).isEmpty(), "the same namespace is the same lock");
    }
  }

  @Test
  void transactionScopedLockIsReleasedByRollbackAndCommit() throws Exception {
    String name = unique("in-tx");
    try (JdbcLockProvider prepare = JdbcLockProvider.create(dataSource())) {
      assertEquals(expectedStrategy(), prepare.strategy()); // created the table or sequence
    }
    try (Connection first = dataSource().getConnection(); Connection second = dataSource().getConnection()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      long token = JdbcLocks.lockInTransaction(first, name, Duration.ZERO).orElseThrow();
      assertTrue(token > 0);
      long tried = System.nanoTime();
      assertTrue(JdbcLocks.lockInTransaction(second, name, Duration.ZERO).isEmpty(), "held by the first");
      long triedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tried);
      assertTrue(triedMillis < 5_000, "one attempt took " + triedMillis + " ms");
      long begin = System.nanoTime();
      assertTrue(JdbcLocks.lockInTransaction(second, name, Duration.ofMillis(300)).isEmpty());
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      assertTrue(waited >= 250, "gave up after " + waited + " ms, asked to wait 300 ms");
      assertTrue(waited < 5_000, "gave up only after " + waited + " ms, asked to wait 300 ms");
      // The second transaction is still usable after its timed-out attempt, and waits now.
      CompletableFuture<OptionalLong> waiting = CompletableFuture.supplyAsync(
          () -> JdbcLocks.lockInTransaction(second, name, Duration.ofSeconds(20)));
      Thread.sleep(200);
      assertFalse(waiting.isDone(), "granted while the first transaction holds the name");
      first.rollback();
      OptionalLong next = waiting.get(20, TimeUnit.SECONDS);
      assertTrue(next.isPresent(), "the rollback did not free the name");
      assertTrue(next.getAsLong() >= token, next + " must not be below " + token);
      assertTrue(JdbcLocks.lockInTransaction(first, name, Duration.ZERO).isEmpty(), "held by the second");
      second.commit();
      assertTrue(JdbcLocks.lockInTransaction(first, name, Duration.ZERO).isPresent(), "the commit did not free it");
      first.rollback();
      first.setAutoCommit(true);
      assertThrows(IllegalStateException.class, () -> JdbcLocks.lockInTransaction(first, name, Duration.ZERO));
    }
  }

  @Test
  void aProvidersTransactionScopedLockUsesItsNamespaceAndExcludesItsLeases() throws Exception {
    String name = unique("namespaced-in-tx");
    boolean excludesLeases = expectedStrategy() != JdbcLockProvider.Strategy.MYSQL_GET_LOCK;
    try (JdbcLockProvider teamA = JdbcLockProvider.builder(dataSource()).namespace("team-a").build();
        JdbcLockProvider teamA2 = JdbcLockProvider.builder(dataSource()).namespace("team-a").build();
        JdbcLockProvider defaults = JdbcLockProvider.create(dataSource());
        Connection first = dataSource().getConnection();
        Connection second = dataSource().getConnection()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      long token = teamA.lockInTransaction(first, name, Duration.ZERO).orElseThrow();
      assertTrue(token > 0);
      assertTrue(teamA2.lockInTransaction(second, name, Duration.ofMillis(200)).isEmpty(),
          "the same namespace is the same lock");
      assertTrue(JdbcLocks.lockInTransaction(second, name, Duration.ZERO).isPresent(),
          "the default namespace is another lock");
      second.rollback();
      if (excludesLeases) {
        assertTrue(teamA2.tryAcquire(name, LONG).isEmpty(),
            "a lease in the namespace was granted while a transaction holds the name");
      }
      Lease otherNamespace = defaults.tryAcquire(name, LONG).orElseThrow(
          () -> new AssertionError("a lease in the default namespace must not be blocked"));
      assertTrue(otherNamespace.release());
      first.rollback();

      Lease lease = teamA2.tryAcquire(name, LONG).orElseThrow(
          () -> new AssertionError("the rollback did not free the name"));
      if (excludesLeases) {
        assertTrue(teamA.lockInTransaction(first, name, Duration.ofMillis(200)).isEmpty(),
            "a transaction took the name while a lease in the namespace holds it");
        first.rollback();
      }
      assertTrue(lease.release());
      assertTrue(teamA.lockInTransaction(first, name, Duration.ZERO).isPresent(), "the release did not free it");
      first.commit();
      teamA.close();
      assertThrows(IllegalStateException.class,
          () -> teamA.lockInTransaction(second, name, Duration.ZERO), "a closed provider refuses");
    }
  }
}
