package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class MariaDbScenariosTest extends JdbcScenarios {
  @Override
  DataSource dataSource() {
    return Databases.mariadb();
  }

  @Override
  JdbcLockProvider.Strategy expectedStrategy() {
    return JdbcLockProvider.Strategy.MYSQL_GET_LOCK;
  }

  @Test
  void tokensComeFromTheSequenceOnMariaDbAndFromTheTableOnMySql() throws Exception {
    String name = unique("token-source");
    JdbcLockProvider.Builder mysqlWay = JdbcLockProvider.builder(dataSource());
    mysqlWay.mysqlTokensInTable = true;
    try (JdbcLockProvider mariadb = JdbcLockProvider.create(dataSource());
        JdbcLockProvider mysql = mysqlWay.build();
        Connection c = dataSource().getConnection()) {
      Lease first = mariadb.tryAcquire(name, LONG).orElseThrow();
      assertEquals(0L, Sql.queryLong(c, "SELECT COUNT(*) FROM baton_lock WHERE lock_name = ?", name),
          "MariaDB's token is NEXTVAL in the grant's statement: no row written");
      assertTrue(first.release());
      Lease second = mysql.tryAcquire(name, LONG).orElseThrow();
      assertEquals(1L, Sql.queryLong(c, "SELECT token FROM baton_lock WHERE lock_name = ?", name),
          "MySQL's token is the name's row, created at 1");
      assertTrue(second.release());
    }
  }

  /** NEXTVAL fails after GET_LOCK granted (the sequence ran out): the session must not keep it. */
  @Test
  void aFailedTokenStatementNeverStrandsTheLock() throws Exception {
    String sequence = "baton_token_maxed_" + Long.toHexString(System.nanoTime());
    String name = unique("maxed");
    try (JdbcLockProvider locks = JdbcLockProvider.builder(dataSource()).tokenSequence(sequence).build();
        Connection c = dataSource().getConnection()) {
      assertTrue(locks.tryAcquire(unique("first"), LONG).orElseThrow().release());
      Lease second = locks.tryAcquire(unique("second"), LONG).orElseThrow();
      assertTrue(second.release());
      Databases.execute(dataSource(), "ALTER SEQUENCE " + sequence + " MAXVALUE " + second.fencingToken());
      LockException e = assertThrows(LockException.class, () -> locks.tryAcquire(name, LONG));
      assertFalse(e instanceof LockUnavailableException, "not an outage: " + e);
      assertEquals(null, Sql.queryLong(c, "SELECT IS_USED_LOCK(?)", LockKeys.mysqlName("baton", name)),
          "a failed attempt kept GET_LOCK's lock at the server");
    } finally {
      Databases.execute(dataSource(), "DROP SEQUENCE IF EXISTS " + sequence);
    }
  }

  @Test
  void transactionScopedLocksOnNewNamesDoNotBlockEachOther() throws Exception {
    // An empty table: under REPEATABLE READ an UPDATE that finds no row locks the gap around
    // the key, here the whole table, and another transaction's INSERT of any name waits on it.
    DataSource ds = dataSource();
    Databases.execute(ds, "DROP TABLE IF EXISTS baton_lock_gap_test");
    try (JdbcLockProvider locks = JdbcLockProvider.builder(ds).lockTable("baton_lock_gap_test").build();
        Connection first = ds.getConnection();
        Connection second = ds.getConnection()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      assertTrue(locks.lockInTransaction(first, unique("gap-a"), Duration.ZERO).isPresent());
      long begin = System.nanoTime();
      assertTrue(locks.lockInTransaction(second, unique("gap-b"), Duration.ZERO).isPresent(),
          "another name was blocked by the first transaction's lock");
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      assertTrue(tookMillis < 900, "another name waited " + tookMillis + " ms for the first transaction");
      first.commit();
      second.commit();
    }
  }
}
