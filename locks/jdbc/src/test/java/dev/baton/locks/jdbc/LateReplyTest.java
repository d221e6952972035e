package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockUnavailableException;
import dev.baton.testkit.DelayingProxy;
import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A granting statement is carried out but its answer comes after the network timeout (a
 * delaying proxy holds back every reply): the caller gets LockUnavailableException, and the
 * name must be free again within about one timeout, not after the 60 s lease. Real servers.
 */
@Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class LateReplyTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final Duration DELAY = Duration.ofSeconds(5); // above every network timeout here

  @Test
  void lockTableOnPostgres() throws Exception {
    check(PostgresServer.shared(), LateReplyTest::postgres, JdbcLockProvider.Strategy.LOCK_TABLE);
  }

  @Test
  void lockTableOnMariaDb() throws Exception {
    check(MariaDbServer.shared(), LateReplyTest::mariadb, JdbcLockProvider.Strategy.LOCK_TABLE);
  }

  @Test
  void advisoryLocksOnPostgres() throws Exception {
    check(PostgresServer.shared(), LateReplyTest::postgres, JdbcLockProvider.Strategy.POSTGRESQL_ADVISORY);
  }

  @Test
  void getLockOnMariaDb() throws Exception {
    check(MariaDbServer.shared(), LateReplyTest::mariadb, JdbcLockProvider.Strategy.MYSQL_GET_LOCK);
  }

  private static void check(JdbcTestServer server, Function<String, DataSource> dataSource,
      JdbcLockProvider.Strategy strategy) throws Exception {
    String direct = server.jdbcUrl();
    String hostPort = server.host() + ":" + server.port();
    assertTrue(direct.contains(hostPort), direct);
    String name = "late-reply-" + UUID.randomUUID();
    try (DelayingProxy proxy = DelayingProxy.start(server.host(), server.port());
        ReusedConnection reused = new ReusedConnection(
            dataSource.apply(direct.replace(hostPort, proxy.host() + ":" + proxy.port())));
        JdbcLockProvider slow = JdbcLockProvider.builder(reused.dataSource()).strategy(strategy)
            .lockTable("baton_lock_table_test").timeout(Duration.ofSeconds(2)).build();
        JdbcLockProvider other = JdbcLockProvider.builder(dataSource.apply(direct)).strategy(strategy)
            .lockTable("baton_lock_table_test").build()) {
      Lease first = slow.tryAcquire(name, LONG).orElseThrow(); // connections and sessions are open
      long before = first.fencingToken();
      assertTrue(first.release());
      proxy.delayReplies(DELAY);
      assertThrows(LockUnavailableException.class, () -> slow.tryAcquire(name, LONG));
      proxy.delayReplies(Duration.ZERO);
      Lease next = other.tryAcquire(name, LONG, Duration.ofSeconds(12)).orElseThrow(
          () -> new AssertionError("the late grant still holds " + name + " (" + strategy + ")"));
      assertTrue(next.fencingToken() >= before + 2,
          "the late statement did run: token " + next.fencingToken() + " after " + before);
      Thread.sleep(1_500); // a background release must not touch the new holder's grant
      assertTrue(next.extend(LONG), "the new holder still holds the name");
      assertTrue(next.release());
    }
  }

  private static DataSource postgres(String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(PostgresServer.shared().user());
    ds.setPassword(PostgresServer.shared().password());
    ds.setConnectTimeout(5);
    return ds;
  }

  private static DataSource mariadb(String url) {
    try {
      MariaDbDataSource ds = new MariaDbDataSource(url);
      ds.setUser(MariaDbServer.shared().user());
      ds.setPassword(MariaDbServer.shared().password());
      return ds;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Hands out one physical connection again and again (opened anew once it is closed), as a
   * pool would: the lock table's statements then run on a connection opened before the replies
   * were delayed, and only the statement's own answer comes late.
   */
  private static final class ReusedConnection implements AutoCloseable {
    private final DataSource direct;
    private Connection physical;

    ReusedConnection(DataSource direct) {
      this.direct = direct;
    }

    DataSource dataSource() {
      return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
          new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (method.getName().equals("getConnection")) {
              return lend();
            }
            throw new UnsupportedOperationException(method.getName());
          });
    }

    private Connection lend() throws SQLException {
      Connection connection;
      synchronized (this) {
        if (physical == null || physical.isClosed()) {
          physical = direct.getConnection();
        }
        connection = physical;
      }
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("close")) {
              return null; // back to the "pool"
            }
            try {
              return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public synchronized void close() throws SQLException {
      if (physical != null) {
        physical.close();
      }
    }
  }
}
