package dev.baton.examples.launcher;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Counts the sessions open on a database other than the one asking: after the instances
 * stopped, what they left open (a pool not closed on shutdown shows here). Assumes nothing
 * else uses the database at the time.
 */
final class OpenConnections {
  private OpenConnections() {}

  static int count(String url, String user, String password) throws SQLException {
    String query;
    if (url.startsWith("jdbc:postgresql:")) {
      query = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND pid <> pg_backend_pid()";
    } else if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
      query = "SELECT COUNT(*) FROM information_schema.processlist WHERE db = database() "
          + "AND id <> connection_id()";
    } else if (url.startsWith("jdbc:h2:")) {
      query = "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS "
          + "WHERE SESSION_ID <> SESSION_ID()";
    } else {
      return -1; // unknown database: not checked
    }
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(query)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
