package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections taken from the application's DataSource go back as they came: a pool must not
 * get them with Baton's network timeout, session settings or session locks on them. The pool
 * here is a minimal one over real connections: close() returns a connection to it, and every
 * connection it ever made is checked afterwards.
 */
@Timeout(60)
class BorrowedConnectionTest {
  private static final Duration LEASE = Duration.ofMinutes(1);

  @Test
  void theLockTableGivesConnectionsBackWithTheirNetworkTimeout() throws Exception {
    try (Pool pool = new Pool(Databases.postgres())) {
      try (JdbcLockProvider locks = JdbcLockProvider.builder(pool.dataSource())
          .strategy(JdbcLockProvider.Strategy.LOCK_TABLE)
          .lockTable("baton_lock_borrow_test")
          .timeout(Duration.ofSeconds(3))
          .build()) {
        pool.assertNetworkTimeoutsBack("after build()");
        Lease lease = locks.tryAcquire("borrowed/" + UUID.randomUUID(), LEASE).orElseThrow();
        pool.assertNetworkTimeoutsBack("after an acquisition");
        assertTrue(lease.extend(Duration.ofMinutes(2)));
        pool.assertNetworkTimeoutsBack("after a renewal");
        assertTrue(lease.release());
        pool.assertNetworkTimeoutsBack("after a release");
      }
    }
  }

  @Test
  void postgresSessionsGoBackWithoutLocksOrSettings() throws Exception {
    sessionsGoBackClean(Databases.postgres(), "SELECT current_setting('lock_timeout')",
        "SELECT pg_advisory_lock(4242)",
        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
        "SELECT current_setting('baton.session_probe', true)");
  }

  @Test
  void mariadbSessionsGoBackWithoutLocksOrSettings() throws Exception {
    sessionsGoBackClean(Databases.mariadb(), "SELECT @@SESSION.lock_wait_timeout",
        "SELECT GET_LOCK('baton-test-left-behind', 0)",
        "SELECT COUNT(IS_USED_LOCK('baton-test-left-behind'))",
        "SELECT @baton_session_probe");
  }

  /**
   * A provider on the pool waits for a held name (which changes session settings) and is
   * closed while a session lock is left on one of its sessions, as a failed unlock would leave
   * it: every connection must come back as the pool made it.
   */
  private static void sessionsGoBackClean(DataSource direct, String setting, String leaveALock,
      String countLocks, String probe) throws Exception {
    String name = "sessions-back/" + UUID.randomUUID();
    String settingBefore;
    try (Connection fresh = direct.getConnection()) {
      settingBefore = Sql.queryString(fresh, setting);
    }
    try (Pool pool = new Pool(direct); JdbcLockProvider other = JdbcLockProvider.create(direct)) {
      Lease held = other.tryAcquire(name, LEASE).orElseThrow();
      try (JdbcLockProvider pooled = JdbcLockProvider.builder(pool.dataSource())
          .timeout(Duration.ofSeconds(3)).build()) {
        assertTrue(pooled.tryAcquire(name, LEASE, Duration.ofMillis(300)).isEmpty());
        Lease lease = pooled.tryAcquire(name + "/free", LEASE).orElseThrow();
        // The session that holds the lease: leave a lock of the application's kind on it.
        Connection holding = pool.lent().get(0);
        long locksBefore = Sql.queryLong(holding, countLocks);
        Sql.queryString(holding, leaveALock);
        assertEquals(locksBefore + 1, Sql.queryLong(holding, countLocks), "the left-behind lock is held");
        assertTrue(lease.release());
      }
      assertTrue(held.release());
      assertTrue(pool.made().size() >= 2, "the provider used " + pool.made().size() + " connections");
      for (Connection c : pool.made()) {
        assertEquals(0L, Sql.queryLong(c, countLocks), "a session lock went back to the pool");
        assertEquals(settingBefore, Sql.queryString(c, setting), "a session setting went back");
        String probeLeft = Sql.queryString(c, probe);
        assertTrue(probeLeft == null || probeLeft.isEmpty(), "the pooler probe went back: " + probeLeft);
      }
      pool.assertNetworkTimeoutsBack("after close()");
    }
  }

  /** A minimal pool over real connections; made with no network timeout. */
  private static final class Pool implements AutoCloseable {
    private final DataSource direct;
    private final List<Connection> made = new CopyOnWriteArrayList<>();
    private final List<Connection> free = new CopyOnWriteArrayList<>();
    private final List<Connection> lent = new CopyOnWriteArrayList<>();

    Pool(DataSource direct) {
      this.direct = direct;
    }

    DataSource dataSource() {
      return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
          new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (method.getName().equals("getConnection")) {
              return borrow();
            }
            throw new UnsupportedOperationException(method.getName());
          });
    }

    private synchronized Connection borrow() throws SQLException {
      Connection physical;
      if (free.isEmpty()) {
        physical = direct.getConnection();
        physical.setNetworkTimeout(Runnable::run, 0);
        made.add(physical);
      } else {
        physical = free.remove(0);
      }
      lent.add(physical);
      AtomicBoolean returned = new AtomicBoolean();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("close")) {
              if (returned.compareAndSet(false, true)) {
                giveBack(physical);
              }
              return null;
            }
            if (method.getName().equals("isClosed")) {
              return returned.get();
            }
            try {
              return method.invoke(physical, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    private synchronized void giveBack(Connection physical) {
      lent.remove(physical);
      free.add(physical);
    }

    List<Connection> made() {
      return made;
    }

    List<Connection> lent() {
      return lent;
    }

    void assertNetworkTimeoutsBack(String when) throws SQLException {
      for (Connection c : free) {
        assertEquals(0, c.getNetworkTimeout(), "a pooled connection kept a network timeout " + when);
      }
    }

    @Override
    public void close() throws SQLException {
      for (Connection c : made) {
        c.close();
      }
    }
  }
}
