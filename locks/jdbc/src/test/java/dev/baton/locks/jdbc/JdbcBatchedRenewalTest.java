package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.locks.Lease;
import dev.baton.testkit.PostgresServer;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14, item 10, on the real databases: kept-alive leases due together are renewed with one
 * session check per lock session (PostgreSQL advisory locks, MariaDB {@code GET_LOCK}) or one
 * {@code UPDATE} and one {@code SELECT} per batch of rows (the lock table), counted at the JDBC
 * boundary; none is lost; and a lease whose row another owner took is lost in its batch alone.
 */
@Timeout(120)
class JdbcBatchedRenewalTest {
  private static final Duration LEASE = Duration.ofMillis(1500);
  private static final int LEASES = 300;

  static Stream<Arguments> strategies() {
    return Stream.of(
        Arguments.of("postgresql advisory", JdbcLockProvider.Strategy.POSTGRESQL_ADVISORY, "postgresql"),
        Arguments.of("mariadb GET_LOCK", JdbcLockProvider.Strategy.MYSQL_GET_LOCK, "mariadb"),
        Arguments.of("postgresql lock table", JdbcLockProvider.Strategy.LOCK_TABLE, "postgresql"),
        Arguments.of("mariadb lock table", JdbcLockProvider.Strategy.LOCK_TABLE, "mariadb"),
        Arguments.of("h2 lock table", JdbcLockProvider.Strategy.LOCK_TABLE, "h2"));
  }

  static Stream<Arguments> lockTables() {
    return strategies().filter(a -> a.get()[1] == JdbcLockProvider.Strategy.LOCK_TABLE);
  }

  /** The lock table borrows a connection per statement: on a pool, as an application runs it. */
  private static final HikariDataSource POSTGRES_POOL = postgresPool();

  private static HikariDataSource postgresPool() {
    PostgresServer server = PostgresServer.shared();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setUsername(server.user());
    config.setPassword(server.password());
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    return new HikariDataSource(config);
  }

  @AfterAll
  static void closePool() {
    POSTGRES_POOL.close();
  }

  private static DataSource database(String kind, JdbcLockProvider.Strategy strategy) {
    return switch (kind) {
      case "postgresql" -> strategy == JdbcLockProvider.Strategy.LOCK_TABLE ? POSTGRES_POOL : Databases.postgres();
      case "mariadb" -> Databases.mariadb();
      default -> Databases.h2("batched-renewal");
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void keptAliveLeasesTakeAFewStatementsPerRound(String label, JdbcLockProvider.Strategy strategy,
      String kind) throws Exception {
    CountingDataSource counted = new CountingDataSource(database(kind, strategy));
    String namespace = "batch" + Math.abs(System.nanoTime() % 1_000_000);
    try (JdbcLockProvider locks = JdbcLockProvider.builder(counted).strategy(strategy)
        .namespace(namespace).build()) {
      AtomicInteger lost = new AtomicInteger();
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < LEASES; i++) {
        leases.add(locks.tryAcquire("renewed-" + i, LEASE).orElseThrow()
            .onLost(lost::incrementAndGet).keepAlive());
      }
      long before = counted.statements.get();
      long tasksBefore = timerTasks(locks);
      long start = System.nanoTime();
      Thread.sleep(3_000);
      long statements = counted.statements.get() - before;
      long tasks = timerTasks(locks) - tasksBefore;
      double renewalsDue = LEASES * (System.nanoTime() - start) / (LEASE.toNanos() / 3.0);
      assertEquals(0, lost.get(), label + ": kept-alive leases lost");
      // One statement per renewal would be about 1,800; batches make a few dozen at most.
      assertTrue(statements * 20 <= renewalsDue, label + ": " + statements + " statements for "
          + (long) renewalsDue + " renewals due");
      // One timer for all renewals, one sweep, one timer for all session grants' lease times:
      // a few wake-ups a second. A timer per lease and per grant made about 3,000 in 3 s.
      assertTrue(tasks <= 60, label + ": " + tasks + " timer wake-ups in 3 s for " + LEASES
          + " kept-alive leases (at most 60 expected)");
      for (Lease lease : leases) {
        assertTrue(lease.isValid(), label + ": " + lease + " is not valid");
        assertTrue(lease.release(), label + ": " + lease + " could not be released");
      }
    }
  }

  /** Every task the provider's timer threads ran so far. */
  private static long timerTasks(JdbcLockProvider locks) {
    return ((ScheduledThreadPoolExecutor) locks.timers()).getCompletedTaskCount();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lockTables")
  void aRowAnotherOwnerTookLosesThatLeaseInItsBatchOnly(String label,
      JdbcLockProvider.Strategy strategy, String kind) throws Exception {
    DataSource database = database(kind, strategy);
    String namespace = "steal" + Math.abs(System.nanoTime() % 1_000_000);
    try (JdbcLockProvider locks = JdbcLockProvider.builder(database).strategy(strategy)
        .namespace(namespace).build()) {
      AtomicInteger lostVictim = new AtomicInteger();
      AtomicInteger lostOthers = new AtomicInteger();
      Lease victim = locks.tryAcquire("victim", LEASE).orElseThrow()
          .onLost(lostVictim::incrementAndGet).keepAlive();
      List<Lease> others = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        others.add(locks.tryAcquire("other-" + i, LEASE).orElseThrow()
            .onLost(lostOthers::incrementAndGet).keepAlive());
      }
      // Another owner's grant in the row, as after an expiry and a grant elsewhere.
      Databases.execute(database, "UPDATE baton_lock SET owner_id = 'someone-else' WHERE lock_key = '"
          + LockKeys.tableKey(namespace, "victim") + "'");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (lostVictim.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, lostVictim.get(), label + ": the lease whose row was taken was not told");
      assertFalse(victim.isValid());
      Thread.sleep(1_200); // two more renewals of the others
      assertEquals(0, lostOthers.get(), label + ": leases lost with the taken one");
      for (Lease lease : others) {
        assertTrue(lease.isValid(), label + ": " + lease + " is not valid");
        assertTrue(lease.release());
      }
    }
  }

  /** Counts the statements prepared or created on its connections; passes everything through. */
  static final class CountingDataSource implements DataSource {
    final AtomicLong statements = new AtomicLong();
    private final DataSource target;

    CountingDataSource(DataSource target) {
      this.target = target;
    }

    private Connection counted(Connection connection) {
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("prepareStatement") || name.equals("createStatement")
                || name.equals("prepareCall")) {
              statements.incrementAndGet();
            }
            try {
              return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public Connection getConnection() throws SQLException {
      return counted(target.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return counted(target.getConnection(user, password));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
      return target.isWrapperFor(type);
    }
  }
}
