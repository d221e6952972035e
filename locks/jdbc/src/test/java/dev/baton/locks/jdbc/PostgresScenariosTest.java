package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockException;
import dev.baton.locks.LockProvider;
import dev.baton.locks.LockUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PostgresScenariosTest extends JdbcScenarios {
  @Override
  DataSource dataSource() {
    return Databases.postgres();
  }

  @Override
  JdbcLockProvider.Strategy expectedStrategy() {
    return JdbcLockProvider.Strategy.POSTGRESQL_ADVISORY;
  }

  @Override
  void checkHeldAtServer(JdbcLockProvider holder, List<Lease> leases) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT pid) FROM pg_locks"
            + " WHERE locktype = 'advisory' AND granted")) {
      rs.next();
      assertTrue(rs.getInt(1) >= leases.size(), rs.getInt(1) + " advisory locks for " + leases.size() + " leases");
      assertTrue(rs.getInt(2) <= 2, leases.size() + " leases on " + rs.getInt(2) + " sessions, not the 2 configured");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * nextval fails after the advisory lock was taken (the sequence is at its MAXVALUE), on the
   * single attempt and on the waiting path: the session must not keep the lock.
   */
  @Test
  void aFailedTokenStatementNeverStrandsTheAdvisoryLock() throws Exception {
    String sequence = "baton_token_maxed_" + Long.toHexString(System.nanoTime());
    String single = unique("maxed-single");
    String waited = unique("maxed-waited");
    try (JdbcLockProvider locks = JdbcLockProvider.builder(dataSource()).tokenSequence(sequence).build();
        JdbcLockProvider other = JdbcLockProvider.builder(dataSource()).tokenSequence(sequence).build()) {
      assertTrue(other.tryAcquire(unique("first"), LONG).orElseThrow().release()); // MAXVALUE > 1
      Lease holder = other.tryAcquire(waited, LONG).orElseThrow();
      Databases.execute(dataSource(), "ALTER SEQUENCE " + sequence + " MAXVALUE " + holder.fencingToken());

      LockException e = assertThrows(LockException.class, () -> locks.tryAcquire(single, LONG));
      assertFalse(e instanceof LockUnavailableException, "not an outage: " + e);
      assertTrue(e.getMessage().contains(single), e.getMessage());
      assertEquals(0, advisoryLocks(single), "a failed single attempt kept the lock at the server");

      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<?> waiter = pool.submit(() -> locks.tryAcquire(waited, LONG, Duration.ofSeconds(30)));
        Thread.sleep(500); // waiting in PostgreSQL's queue now
        assertTrue(holder.release());
        ExecutionException failed = assertThrows(ExecutionException.class,
            () -> waiter.get(30, TimeUnit.SECONDS));
        assertInstanceOf(LockException.class, failed.getCause());
      } finally {
        pool.shutdownNow();
      }
      assertEquals(0, advisoryLocks(waited), "a failed waiting attempt kept the lock at the server");

      Databases.execute(dataSource(), "ALTER SEQUENCE " + sequence + " NO MAXVALUE");
      for (String name : List.of(single, waited)) {
        Lease lease = other.tryAcquire(name, LONG).orElseThrow(() -> new AssertionError("still held: " + name));
        assertTrue(lease.release());
      }
    } finally {
      Databases.execute(dataSource(), "DROP SEQUENCE IF EXISTS " + sequence);
    }
  }

  private long advisoryLocks(String name) throws Exception {
    try (Connection c = dataSource().getConnection();
        PreparedStatement count = c.prepareStatement("SELECT count(*) FROM pg_locks"
            + " WHERE locktype = 'advisory' AND objsubid = 1"
            + " AND ((classid::bigint << 32) | objid::bigint) = ?")) {
      count.setLong(1, LockKeys.advisoryKey("baton", name));
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void transactionScopedAndSessionLocksExcludeEachOther() throws Exception {
    String name = unique("both");
    try (LockProvider locks = JdbcLockProvider.create(dataSource());
        Connection tx = dataSource().getConnection()) {
      tx.setAutoCommit(false);
      long inTx = JdbcLocks.lockInTransaction(tx, name, Duration.ZERO).orElseThrow();
      assertTrue(locks.tryAcquire(name, LONG).isEmpty(), "a provider took a name held by a transaction");
      tx.commit();
      Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
      assertTrue(lease.fencingToken() > inTx, "one sequence for both: " + lease.fencingToken() + " > " + inTx);
      assertTrue(JdbcLocks.lockInTransaction(tx, name, Duration.ofMillis(100)).isEmpty());
      tx.rollback();
      assertEquals(true, lease.release());
    }
  }
}
