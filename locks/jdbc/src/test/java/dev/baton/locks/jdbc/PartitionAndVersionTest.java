package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** What bounds a partition's cost on the server, and which servers GET_LOCK refuses. */
class PartitionAndVersionTest {
  private static final Duration LONG = Duration.ofMinutes(5);

  @Test
  void postgresLockSessionsGetAShortServerSideKeepalive() throws Exception {
    List<Connection> opened = new CopyOnWriteArrayList<>();
    DataSource direct = Databases.postgres();
    DataSource recording = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection") && (args == null || args.length == 0)) {
            Connection c = direct.getConnection();
            opened.add(c);
            return c;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    try (JdbcLockProvider locks = JdbcLockProvider.builder(recording).sessions(1).build()) {
      Lease lease = locks.tryAcquire("keepalive-" + UUID.randomUUID(), LONG).orElseThrow();
      Connection session = opened.get(opened.size() - 1); // the lock session, opened after build
      assertEquals(String.valueOf(PostgresSessions.KEEPALIVE_IDLE), setting(session, "tcp_keepalives_idle"));
      assertEquals(String.valueOf(PostgresSessions.KEEPALIVE_INTERVAL), setting(session, "tcp_keepalives_interval"));
      assertEquals(String.valueOf(PostgresSessions.KEEPALIVE_COUNT), setting(session, "tcp_keepalives_count"));
      assertTrue(lease.release());
    }
  }

  private static String setting(Connection c, String name) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT setting FROM pg_settings WHERE name = '" + name + "'")) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  @Test
  void getLockIsRefusedOnServersThatHoldOneLockPerSession() {
    for (String old : List.of("5.7.4", "5.7.4-m14-log", "5.6.51", "5.5.62-log", "4.1.22",
        "10.0.1-MariaDB", "5.5.5-10.0.1-MariaDB-log", "5.5.68-MariaDB")) {
      LockException e = assertThrows(LockException.class, () -> MySqlSessions.checkGetLockVersion(old), old);
      assertTrue(e.getMessage().contains(old), e.getMessage());
      assertTrue(e.getMessage().contains(old.toLowerCase().contains("mariadb") ? "10.0.2" : "5.7.5"),
          e.getMessage());
    }
    for (String fine : List.of("5.7.5", "5.7.44-48", "8.0.36", "8.4.0-commercial", "9.1.0",
        "10.0.2-MariaDB", "5.5.5-10.0.2-MariaDB", "10.11.6-MariaDB-log", "11.4.2-MariaDB-ubu2404",
        "unknown")) {
      assertDoesNotThrow(() -> MySqlSessions.checkGetLockVersion(fine), fine);
    }
  }

  @Test
  void theRealMariaDbPasses() {
    try (JdbcLockProvider locks = JdbcLockProvider.create(Databases.mariadb())) {
      assertFalse(locks.strategy() == JdbcLockProvider.Strategy.LOCK_TABLE);
    }
  }
}
