package dev.baton.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The JDBC peers' tables (ShedLock's {@code shedlock}, Spring Integration's {@code INT_LOCK}, as
 * their documentation gives them) and their pool: two connections, as many as Baton's provider
 * keeps sessions.
 */
final class PeerTables {
  private PeerTables() {}

  static HikariDataSource pool(DataSource ds) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(ds);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(2);
    return new HikariDataSource(config);
  }

  static void create(DataSource ds, String database) throws SQLException {
    String timestamp = database.equals("mariadb") ? "TIMESTAMP(3)" : "TIMESTAMP";
    String intLockTime = database.equals("mariadb") ? "DATETIME(6)" : "TIMESTAMP";
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS shedlock (name VARCHAR(64) NOT NULL,"
          + " lock_until " + timestamp + " NOT NULL, locked_at " + timestamp + " NOT NULL,"
          + " locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))");
      s.execute("CREATE TABLE IF NOT EXISTS INT_LOCK (LOCK_KEY CHAR(36) NOT NULL,"
          + " REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36), CREATED_DATE " + intLockTime
          + " NOT NULL, EXPIRED_AFTER " + intLockTime + " NOT NULL,"
          + " CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))");
    }
  }
}
