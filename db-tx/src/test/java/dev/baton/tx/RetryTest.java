package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retries under real conflicts: two concurrent transactions forced into a serialization
 * failure or a deadlock, each ending with every unit of work applied exactly once.
 */
class RetryTest {

  /** Two units of work, run at once; the barrier is awaited on first attempts only. */
  private interface Unit {
    void run(Connection c, int worker, boolean firstAttempt, CyclicBarrier barrier)
        throws Exception;
  }

  /**
   * Runs two workers concurrently through {@code tx}; returns the RETRYING events. Each worker's
   * first attempt meets the other's at the barrier, so the conflict is certain, not lucky.
   */
  private static List<TxEvent> runTwo(HikariDataSource pool, Transactor.Builder builder,
      Unit unit) throws Exception {
    List<TxEvent> events = new CopyOnWriteArrayList<>();
    Transactor tx = builder.listener(events::add)
        .retryPolicy(RetryPolicy.builder().maxAttempts(10).build()).build();
    CyclicBarrier barrier = new CyclicBarrier(2);
    Concurrently.run(2, worker -> {
      AtomicInteger attempts = new AtomicInteger();
      tx.useTransaction(c -> unit.run(c, worker, attempts.incrementAndGet() == 1, barrier));
      return null;
    });
    assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections(), "active connections");
    List<TxEvent> retries = new ArrayList<>();
    for (TxEvent e : events) {
      if (e.type() == TxEvent.Type.RETRYING) {
        retries.add(e);
      }
    }
    return retries;
  }

  private static void await(CyclicBarrier barrier) throws Exception {
    barrier.await(20, TimeUnit.SECONDS);
  }

  @Test
  void twoSerializableTransactionsOnPostgresConflictAndBothApplyOnce() throws Exception {
    String table = TestDb.table("ser");
    try (HikariDataSource pool = TestDb.POSTGRES.pool(4)) {
      try (Connection c = pool.getConnection()) {
        TestDb.execute(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
        TestDb.execute(c, "INSERT INTO " + table + " VALUES (1, 0)");
        TestDb.execute(c, "CREATE TABLE " + table + "_log (worker INT PRIMARY KEY)");
      }
      List<TxEvent> retries = runTwo(pool,
          Transactor.builder(pool).isolation(Isolation.SERIALIZABLE),
          (c, worker, first, barrier) -> {
            int v = Integer.parseInt(TestDb.queryString(c,
                "SELECT v FROM " + table + " WHERE id = 1"));
            if (first) {
              await(barrier); // both have read the same snapshot before either writes
            }
            TestDb.execute(c, "UPDATE " + table + " SET v = " + (v + 1) + " WHERE id = 1");
            TestDb.execute(c, "INSERT INTO " + table + "_log VALUES (" + worker + ")");
          });
      assertEquals(1, retries.size(), "one of the two is retried: " + retries);
      assertTrue(SqlFailures.anyInChain(retries.get(0).cause(),
          SqlFailures::isSerializationFailure), retries.get(0).cause().toString());
      assertEquals(2, TestDb.queryLong(pool, "SELECT v FROM " + table + " WHERE id = 1"),
          "both increments applied, none lost");
      assertEquals(2, TestDb.queryLong(pool, "SELECT COUNT(*) FROM " + table + "_log"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aRealDeadlockIsRetriedAndBothApplyOnce(TestDb db) throws Exception {
    String table = TestDb.table("dl");
    try (HikariDataSource pool = db.pool(4)) {
      try (Connection c = pool.getConnection()) {
        TestDb.execute(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
        TestDb.execute(c, "INSERT INTO " + table + " VALUES (0, 0)");
        TestDb.execute(c, "INSERT INTO " + table + " VALUES (1, 0)");
      }
      // Worker w locks row w, waits for the other to lock its row, then wants the other's row.
      List<TxEvent> retries = runTwo(pool, Transactor.builder(pool),
          (c, worker, first, barrier) -> {
            TestDb.execute(c, "UPDATE " + table + " SET v = v + 1 WHERE id = " + worker);
            if (first) {
              await(barrier);
            }
            TestDb.execute(c, "UPDATE " + table + " SET v = v + 1 WHERE id = " + (1 - worker));
          });
      // At least one retry; more when, on a busy machine, the victim's retry takes its first
      // row again before the survivor has it, and the two deadlock once more.
      assertFalse(retries.isEmpty(), "the deadlock victim was not retried");
      for (TxEvent retry : retries) {
        assertTrue(RetryPolicy.defaults().isRetryable(retry.cause()), retry.cause().toString());
      }
      assertEquals(4, TestDb.queryLong(pool, "SELECT SUM(v) FROM " + table),
          "each of the two units incremented both rows once");
      assertEquals(2, TestDb.queryLong(pool, "SELECT MIN(v) FROM " + table));
    }
  }

  @Test
  void attemptsAreCappedAndTheLastFailureCarriesTheEarlierOnes() throws Exception {
    try (HikariDataSource pool = TestDb.H2.pool(2)) {
      AtomicInteger attempts = new AtomicInteger();
      Transactor tx = Transactor.builder(pool).retryPolicy(RetryPolicy.builder().maxAttempts(3)
          .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build()).build();
      SQLException last = new SQLException("conflict 3", "40001");
      SQLException thrown = assertThrows(SQLException.class, () -> tx.useTransaction(c -> {
        int n = attempts.incrementAndGet();
        throw n == 3 ? last : new SQLException("conflict " + n, "40001");
      }));
      assertSame(last, thrown);
      assertEquals(3, attempts.get());
      assertEquals(2, thrown.getSuppressed().length);
      assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
    }
  }

  @Test
  void oneExceptionInstanceThrownOnEveryAttemptComesBackAsItIs() throws Exception {
    try (HikariDataSource pool = TestDb.H2.pool(2)) {
      Transactor tx = Transactor.builder(pool).retryPolicy(RetryPolicy.builder().maxAttempts(3)
          .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build()).build();
      SQLException always = new SQLException("conflict", "40001");
      assertSame(always, assertThrows(SQLException.class, () -> tx.useTransaction(c -> {
        throw always;
      })));
      assertEquals(0, always.getSuppressed().length);
    }
  }

  @Test
  void noAttemptStartsAfterTheDeadline() throws Exception {
    try (HikariDataSource pool = TestDb.H2.pool(2)) {
      AtomicInteger attempts = new AtomicInteger();
      Transactor tx = Transactor.builder(pool).retryPolicy(RetryPolicy.builder().maxAttempts(100)
          .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(100))
          .deadline(Duration.ofMillis(350)).build()).build();
      long start = System.nanoTime();
      assertThrows(SQLException.class, () -> tx.useTransaction(c -> {
        attempts.incrementAndGet();
        throw new SQLException("deadlock", "40P01");
      }));
      long millis = (System.nanoTime() - start) / 1_000_000;
      // Backoffs of 50..100 ms: at least 3 fit into 350 ms, at most 7; never 100 attempts.
      assertTrue(attempts.get() >= 3 && attempts.get() <= 8, "attempts " + attempts);
      assertTrue(millis < 350 + 5_000, "took " + millis + " ms");
    }
  }

  @Test
  void nonRetryableFailuresRunOnce() throws Exception {
    try (HikariDataSource pool = TestDb.H2.pool(2)) {
      AtomicInteger attempts = new AtomicInteger();
      Transactor tx = Transactor.create(pool);
      assertThrows(SQLException.class, () -> tx.useTransaction(c -> {
        attempts.incrementAndGet();
        throw new SQLException("duplicate key", "23505");
      }));
      assertEquals(1, attempts.get());
    }
  }
}
