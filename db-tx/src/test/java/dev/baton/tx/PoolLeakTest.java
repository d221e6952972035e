package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 1,000 transactions on 4 threads, every second one failing in a different way, through a
 * HikariCP pool of 4: the pool ends with no connection in use, and exactly the successful
 * transactions' rows are there.
 */
class PoolLeakTest {
  private static final int TRANSACTIONS = 1_000;
  private static final int THREADS = 4;

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void halfFailingLeaveNoConnectionInUseAndExactlyTheCommittedRows(TestDb db) throws Exception {
    String table = TestDb.table("leak");
    try (HikariDataSource pool = db.pool(4)) {
      try (Connection c = pool.getConnection()) {
        TestDb.execute(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
        TestDb.execute(c, "INSERT INTO " + table + " (id) VALUES (-1)"); // for the SQL failure
      }
      Transactor tx = Transactor.create(pool);
      AtomicInteger next = new AtomicInteger();
      AtomicInteger succeeded = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          done.add(threads.submit(() -> {
            for (int id = next.getAndIncrement(); id < TRANSACTIONS;
                id = next.getAndIncrement()) {
              int n = id;
              try {
                tx.useTransaction(c -> work(c, table, n));
                succeeded.incrementAndGet();
              } catch (Throwable expected) {
                failed.incrementAndGet();
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS));
      }
      assertEquals(TRANSACTIONS / 2, succeeded.get(), "succeeded");
      assertEquals(TRANSACTIONS / 2, failed.get(), "failed");
      assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections(), "active connections");
      assertEquals(TRANSACTIONS / 2, TestDb.queryLong(pool,
          "SELECT COUNT(*) FROM " + table + " WHERE id >= 0"), "committed rows");
      assertEquals(0, TestDb.queryLong(pool,
          "SELECT COUNT(*) FROM " + table + " WHERE MOD(id, 2) = 1"), "rows of failed work");
    }
  }

  /** Even ids commit; odd ids insert their row and then fail, each in one of four ways. */
  private static void work(Connection c, String table, int id) throws IOException, SQLException {
    insert(c, table, id);
    if (id % 2 == 0) {
      return;
    }
    switch (id % 8) {
      case 1:
        throw new IllegalStateException("runtime " + id);
      case 3:
        throw new IOException("checked " + id);
      case 5:
        throw new TransactorTest.InjectedError();
      default:
        insert(c, table, -1); // a duplicate key: the database fails the statement
    }
  }

  private static void insert(Connection c, String table, int id) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO " + table + " (id) VALUES (?)")) {
      insert.setInt(1, id);
      insert.executeUpdate();
    }
  }
}
