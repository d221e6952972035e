package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Row locks under a lock timeout, and the conditional reserve under concurrency. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RowLocksTest {

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aLockTimeoutFiresWithAClearExceptionAndTheOldTimeoutComesBack(TestDb db)
      throws Exception {
    String table = TestDb.table("seat");
    try (HikariDataSource pool = db.pool(4); Connection holder = pool.getConnection()) {
      TestDb.execute(holder, "CREATE TABLE " + table + " (id INT PRIMARY KEY, free INT NOT NULL)");
      TestDb.execute(holder, "INSERT INTO " + table + " VALUES (1, 5)");
      holder.setAutoCommit(false);
      TestDb.execute(holder, "UPDATE " + table + " SET free = 4 WHERE id = 1"); // row locked
      Transactor tx = Transactor.create(pool);
      Duration timeout = db.lockTimeout();
      String sql = "SELECT free FROM " + table + " WHERE id = ? FOR UPDATE";
      long start = System.nanoTime();
      LockTimeoutException e = assertThrows(LockTimeoutException.class,
          () -> tx.useTransaction(c -> {
            String before = TestDb.queryString(c, db.lockTimeoutSql());
            try {
              RowLocks.selectForUpdate(c, timeout, sql, row -> row.getInt(1), 1);
            } finally {
              // PostgreSQL aborts the transaction; HikariCP evicts the connection after H2's
              // lock timeout (an SQLTimeoutException). Only on MariaDB does the work go on.
              if (db == TestDb.MARIADB) {
                assertEquals(before, TestDb.queryString(c, db.lockTimeoutSql()), "restored");
              }
            }
          }));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= timeout.toMillis() - 50, "gave up after " + millis + " ms");
      assertTrue(millis < timeout.toMillis() + 10_000, "gave up after " + millis + " ms");
      assertEquals(timeout, e.lockTimeout());
      assertTrue(e.getMessage().startsWith("row lock not granted within " + timeout),
          e.getMessage());
      assertInstanceOf(SQLException.class, e.getCause());
      holder.rollback();
      // Free again: the lock is granted, the rows come back, and the timeout is put back.
      List<Integer> free = tx.inTransaction(c -> {
        String before = TestDb.queryString(c, db.lockTimeoutSql());
        List<Integer> rows = RowLocks.selectForUpdate(c, timeout, sql, row -> row.getInt(1), 1);
        assertEquals(before, TestDb.queryString(c, db.lockTimeoutSql()), "restored");
        return rows;
      });
      assertEquals(List.of(5), free);
      holder.setAutoCommit(true);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void settingTheLockTimeoutDoesNotEndTheTransaction(TestDb db) throws Exception {
    try (PoolFixture fixture = new PoolFixture(db, 2, "rl")) {
      Transactor tx = Transactor.create(fixture.pool);
      tx.useTransaction(c -> fixture.insert(c, 1));
      assertThrows(IllegalStateException.class, () -> tx.useTransaction(c -> {
        fixture.insert(c, 2);
        assertEquals(List.of(1), RowLocks.selectForUpdate(c, db.lockTimeout(),
            "SELECT id FROM " + fixture.table + " WHERE id = 1 FOR UPDATE", row -> row.getInt(1)));
        throw new IllegalStateException("roll back both");
      }));
      assertEquals(List.of(1), fixture.ids(), "the insert before the lock was rolled back too");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aTransactorLockTimeoutAppliesToEveryStatementAsLockTimeoutException(TestDb db)
      throws Exception {
    String table = TestDb.table("lt");
    try (HikariDataSource pool = db.pool(4); Connection holder = pool.getConnection()) {
      TestDb.execute(holder, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
      TestDb.execute(holder, "INSERT INTO " + table + " VALUES (1, 0)");
      holder.setAutoCommit(false);
      TestDb.execute(holder, "UPDATE " + table + " SET v = 1 WHERE id = 1");
      Transactor tx = Transactor.builder(pool).lockTimeout(db.lockTimeout()).build();
      long start = System.nanoTime();
      LockTimeoutException e = assertThrows(LockTimeoutException.class, () -> tx.useTransaction(
          c -> TestDb.execute(c, "UPDATE " + table + " SET v = 2 WHERE id = 1")));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < db.lockTimeout().toMillis() + 10_000, "gave up after " + millis);
      assertEquals(db.lockTimeout(), e.lockTimeout());
      assertInstanceOf(SQLException.class, e.getCause());
      assertTrue(SqlFailures.isLockTimeout((SQLException) e.getCause()), e.getCause().toString());
      assertEquals(db.lockTimeoutSqlState(), e.sqlState(), e.toString());
      assertEquals(db.lockTimeoutErrorCode(), e.errorCode(), e.toString());
      assertTrue(e.getMessage().startsWith("lock not granted within " + db.lockTimeout()
          + " (SQLState " + e.sqlState()), e.getMessage());
      holder.rollback();
      holder.setAutoCommit(true);
      assertEquals(1, pool.getHikariPoolMXBean().getActiveConnections(), "only the holder");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aStatementTimeoutEndsAStatementBlockedOnARowLock(TestDb db) throws Exception {
    String table = TestDb.table("st");
    // The databases' own lock waits are long: PostgreSQL none, MariaDB 50 s, H2 set to 15 s
    // here (its default is 1 s, which would hide the difference).
    String url = db == TestDb.H2 ? db.url() + ";LOCK_TIMEOUT=15000" : db.url();
    try (HikariDataSource pool = db.pool(url, 4); Connection holder = pool.getConnection()) {
      TestDb.execute(holder, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
      TestDb.execute(holder, "INSERT INTO " + table + " VALUES (1, 0)");
      holder.setAutoCommit(false);
      TestDb.execute(holder, "UPDATE " + table + " SET v = 1 WHERE id = 1");
      Duration statementTimeout = Duration.ofMillis(1000);
      Transactor tx = Transactor.builder(pool).statementTimeout(statementTimeout)
          .retryPolicy(RetryPolicy.none()).build();
      long start = System.nanoTime();
      SQLException e = assertThrows(SQLException.class, () -> tx.useTransaction(
          c -> TestDb.execute(c, "UPDATE " + table + " SET v = 2 WHERE id = 1")));
      long millis = (System.nanoTime() - start) / 1_000_000;
      // Ends at the statement timeout, not at the database's lock timeout: a generous bound
      // for a busy machine, well below any of them.
      assertTrue(millis >= statementTimeout.toMillis() - 100, "gave up after " + millis + " ms");
      assertTrue(millis < statementTimeout.toMillis() + 4_000,
          "gave up after " + millis + " ms: " + e);
      holder.rollback();
      holder.setAutoCommit(true);
      // The cap is undone with the transaction: the session's lock timeout is as it was.
      try (Connection c = pool.getConnection()) {
        assertEquals(TestDb.queryString(holder, db.lockTimeoutSql()),
            TestDb.queryString(c, db.lockTimeoutSql()), "lock timeout restored");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aRowLockWaitEndsAtTheStatementTimeoutWhenThatIsShorter(TestDb db) throws Exception {
    String table = TestDb.table("rs");
    try (HikariDataSource pool = db.pool(4); Connection holder = pool.getConnection()) {
      TestDb.execute(holder, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
      TestDb.execute(holder, "INSERT INTO " + table + " VALUES (1, 0)");
      holder.setAutoCommit(false);
      TestDb.execute(holder, "UPDATE " + table + " SET v = 1 WHERE id = 1");
      Transactor tx = Transactor.builder(pool).statementTimeout(Duration.ofMillis(1000))
          .retryPolicy(RetryPolicy.none()).build();
      long start = System.nanoTime();
      Exception e = assertThrows(Exception.class, () -> tx.useTransaction(
          c -> RowLocks.selectForUpdate(c, Duration.ofSeconds(12),
              "SELECT v FROM " + table + " WHERE id = ? FOR UPDATE", row -> row.getInt(1), 1)));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 5_000, "gave up after " + millis + " ms, not at the statement timeout: "
          + e);
      if (db == TestDb.H2) { // the cap is reported as the lock timeout that ran out
        assertEquals(Duration.ofMillis(1000), assertInstanceOf(LockTimeoutException.class, e)
            .lockTimeout());
      }
      holder.rollback();
      holder.setAutoCommit(true);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void fiftyConcurrentReservesAgainstALimitOfTwoLetExactlyTwoThrough(TestDb db)
      throws Exception {
    DailyCounter quota = DailyCounter.of(TestDb.table("quota"));
    LocalDate day = LocalDate.of(2026, 11, 24);
    int callers = 50;
    try (HikariDataSource pool = db.pool(10)) {
      Transactor tx = Transactor.builder(pool)
          .retryPolicy(RetryPolicy.builder().maxAttempts(50).deadline(Duration.ofSeconds(60))
              .build())
          .build();
      tx.useTransaction(quota::createTable);
      List<Boolean> results = Concurrently.run(callers,
          caller -> tx.inTransaction(c -> quota.tryReserve(c, "tenant-7", day, 1, 2)));
      assertEquals(2, results.stream().filter(reserved -> reserved).count(),
          "reservations granted");
      assertEquals(2, (int) tx.inTransaction(c -> quota.used(c, "tenant-7", day)));
      assertEquals(0, (int) tx.inTransaction(c -> quota.used(c, "tenant-8", day)));
      boolean nextDay = tx.inTransaction(c -> quota.tryReserve(c, "tenant-7", day.plusDays(1), 2, 2));
      assertTrue(nextDay, "a new day starts from zero");
      assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
    }
  }
}
