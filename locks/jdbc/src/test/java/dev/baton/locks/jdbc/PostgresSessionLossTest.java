package dev.baton.locks.jdbc;

import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import javax.sql.DataSource;

/** pg_terminate_backend, SIGSTOP and restart on real PostgreSQL servers. */
class PostgresSessionLossTest extends SessionLossScenarios {
  @Override
  DataSource dataSource() {
    return Databases.postgres();
  }

  @Override
  JdbcTestServer privateServer() {
    return PostgresServer.start();
  }

  @Override
  DataSource dataSource(JdbcTestServer server) {
    return Databases.postgres(server);
  }

  @Override
  int killSessionsHolding(List<String> names) throws Exception {
    Long[] keys = names.stream().map(n -> LockKeys.advisoryKey("baton", n)).toArray(Long[]::new);
    try (Connection admin = dataSource().getConnection();
        PreparedStatement kill = admin.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM (SELECT DISTINCT pid FROM pg_locks"
                + " WHERE locktype = 'advisory' AND granted AND objsubid = 1"
                + " AND ((classid::bigint << 32) | objid::bigint) = ANY (?)) holders")) {
      kill.setArray(1, admin.createArrayOf("bigint", keys));
      int killed = 0;
      try (ResultSet rs = kill.executeQuery()) {
        while (rs.next()) {
          killed += rs.getBoolean(1) ? 1 : 0;
        }
      }
      return killed;
    }
  }
}
