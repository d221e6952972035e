package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
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
