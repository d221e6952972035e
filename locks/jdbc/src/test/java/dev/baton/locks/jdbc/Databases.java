package dev.baton.locks.jdbc;

import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Plain (unpooled) DataSources on the testkit's real servers and an in-memory H2. */
final class Databases {
  private Databases() {}

  static DataSource postgres() {
    return postgres(PostgresServer.shared());
  }

  static DataSource postgres(JdbcTestServer server) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(server.jdbcUrl());
    ds.setUser(server.user());
    ds.setPassword(server.password());
    ds.setConnectTimeout(5);
    return ds;
  }

  static DataSource mariadb() {
    return mariadb(MariaDbServer.shared());
  }

  static DataSource mariadb(JdbcTestServer server) {
    try {
      MariaDbDataSource ds = new MariaDbDataSource(server.jdbcUrl());
      ds.setUser(server.user());
      ds.setPassword(server.password());
      return ds;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An in-memory H2 database that lives as long as the JVM. */
  static DataSource h2(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return ds;
  }

  static void execute(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
