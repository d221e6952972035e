package dev.baton.tx;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The three databases every behaviour is tested on: real PostgreSQL and MariaDB, and H2. */
enum TestDb {
  POSTGRES {
    @Override
    JdbcTestServer server() {
      return PostgresServer.shared();
    }

    @Override
    String lockTimeoutSql() {
      return "SELECT current_setting('lock_timeout')";
    }

    @Override
    String statementTimeoutSql() {
      return "SELECT current_setting('statement_timeout')";
    }
  },
  MARIADB {
    @Override
    JdbcTestServer server() {
      return MariaDbServer.shared();
    }

    @Override
    String lockTimeoutSql() {
      return "SELECT @@SESSION.innodb_lock_wait_timeout";
    }

    @Override
    String statementTimeoutSql() {
      return "SELECT @@SESSION.max_statement_time";
    }

    @Override
    Duration lockTimeout() {
      return Duration.ofSeconds(1); // MariaDB counts whole seconds
    }
  },
  H2 {
    private final AtomicInteger databases = new AtomicInteger();

    @Override
    JdbcTestServer server() {
      return null;
    }

    @Override
    String url() {
      return "jdbc:h2:mem:tx" + databases.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    String lockTimeoutSql() {
      return "SELECT LOCK_TIMEOUT()";
    }

    @Override
    String statementTimeoutSql() {
      return "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
          + "WHERE SETTING_NAME = 'QUERY_TIMEOUT'";
    }
  };

  /** The testkit's shared server, or null for H2 (in memory). */
  abstract JdbcTestServer server();

  /** A query returning the session's lock timeout, to check it is restored. */
  abstract String lockTimeoutSql();

  /** A query returning the session's statement timeout, to check it is restored. */
  abstract String statementTimeoutSql();

  /** The SQLState of this database's lock-wait timeout. */
  String lockTimeoutSqlState() {
    return switch (this) {
      case POSTGRES -> "55P03";
      case MARIADB -> "HY000";
      case H2 -> "HYT00";
    };
  }

  /** The vendor error code of this database's lock-wait timeout. */
  int lockTimeoutErrorCode() {
    return switch (this) {
      case POSTGRES -> 0;
      case MARIADB -> 1205;
      case H2 -> 50200;
    };
  }

  /** A short lock timeout this database can express. */
  Duration lockTimeout() {
    return Duration.ofMillis(300);
  }

  /** A fresh database for H2; the shared server's database otherwise. */
  String url() {
    return server().jdbcUrl();
  }

  /** A HikariCP pool of {@code size} connections on a fresh URL (for H2, a fresh database). */
  HikariDataSource pool(int size) {
    return pool(url(), size);
  }

  HikariDataSource pool(String url, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (server() != null) {
      config.setUsername(server().user());
      config.setPassword(server().password());
    }
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(20_000);
    config.setPoolName(name() + "-" + size);
    // A bound on every statement, so a test that waits on a lock forever fails instead.
    if (this == POSTGRES) {
      config.addDataSourceProperty("socketTimeout", "90");
    } else if (this == MARIADB) {
      config.addDataSourceProperty("socketTimeout", "90000");
    }
    return new HikariDataSource(config);
  }

  /** One unpooled connection, for observing what a transactor leaves on a connection. */
  Connection connect(String url) throws SQLException {
    return server() == null ? DriverManager.getConnection(url)
        : DriverManager.getConnection(url, server().user(), server().password());
  }

  /** A table name no other test uses. */
  static String table(String prefix) {
    return prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
  }

  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  static long queryLong(javax.sql.DataSource dataSource, String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return Long.parseLong(queryString(connection, sql));
    }
  }
}
