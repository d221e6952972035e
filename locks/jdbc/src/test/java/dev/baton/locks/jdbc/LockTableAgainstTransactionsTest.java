package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lock-table strategy while a transaction holds a name's row ({@code lockInTransaction}):
 * a provider's attempt must count the name as held, promptly, and never report an outage; a
 * waiter gets the name once the transaction ends. On real PostgreSQL and MariaDB, and H2.
 */
@Timeout(120)
class LockTableAgainstTransactionsTest {
  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void postgres() throws Exception {
    check(Databases.postgres());
  }

  @Test
  void mariadb() throws Exception {
    check(Databases.mariadb());
  }

  @Test
  void h2() throws Exception {
    check(Databases.h2("table-against-tx"));
  }

  private static void check(DataSource ds) throws Exception {
    String name = "row-held/" + UUID.randomUUID();
    try (JdbcLockProvider locks = JdbcLockProvider.builder(ds)
            .strategy(JdbcLockProvider.Strategy.LOCK_TABLE)
            .lockTable("baton_lock_tx_test")
            .timeout(TIMEOUT)
            .build();
        Connection tx = ds.getConnection()) {
      tx.setAutoCommit(false);
      long token = locks.lockInTransaction(tx, name, Duration.ZERO).orElseThrow();

      long begin = System.nanoTime();
      Optional<Lease> refused = locks.tryAcquire(name, LONG);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      assertTrue(refused.isEmpty(), "granted while a transaction holds the row");
      assertTrue(tookMillis < TIMEOUT.toMillis() + 3_000,
          "one attempt against a held row took " + tookMillis + " ms; timeout " + TIMEOUT);
      assertTrue(locks.tryAcquire(name, LONG, Duration.ofMillis(500)).isEmpty());

      CompletableFuture<Optional<Lease>> waiter = CompletableFuture.supplyAsync(() -> {
        try {
          return locks.tryAcquire(name, LONG, Duration.ofSeconds(30));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      assertFalse(waiter.isDone(), "the waiter returned while the transaction held the row");
      tx.commit();
      Lease lease = waiter.get(40, TimeUnit.SECONDS).orElseThrow(
          () -> new AssertionError("the commit did not free the name for the waiter"));
      assertTrue(lease.fencingToken() > token, lease.fencingToken() + " must follow " + token);
      assertTrue(lease.release());
    }
  }
}
