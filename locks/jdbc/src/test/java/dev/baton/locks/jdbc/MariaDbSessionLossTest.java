package dev.baton.locks.jdbc;

import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/** KILL, SIGSTOP and restart on real MariaDB servers. */
class MariaDbSessionLossTest extends SessionLossScenarios {
  @Override
  DataSource dataSource() {
    return Databases.mariadb();
  }

  @Override
  JdbcTestServer privateServer() {
    return MariaDbServer.start();
  }

  @Override
  DataSource dataSource(JdbcTestServer server) {
    return Databases.mariadb(server);
  }

  @Override
  int killSessionsHolding(List<String> names) throws Exception {
    Set<Long> holders = new TreeSet<>();
    try (Connection admin = dataSource().getConnection();
        PreparedStatement who = admin.prepareStatement("SELECT IS_USED_LOCK(?)")) {
      for (String name : names) {
        who.setString(1, LockKeys.mysqlName("baton", name));
        try (ResultSet rs = who.executeQuery()) {
          rs.next();
          long id = rs.getLong(1);
          if (!rs.wasNull()) {
            holders.add(id);
          }
        }
      }
      try (Statement kill = admin.createStatement()) {
        for (long id : holders) {
          kill.execute("KILL CONNECTION " + id);
        }
      }
    }
    return holders.size();
  }
}
