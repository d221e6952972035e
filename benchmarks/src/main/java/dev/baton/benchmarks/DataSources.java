package dev.baton.benchmarks;

import dev.baton.testkit.JdbcTestServer;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Plain (unpooled) DataSources on the testkit's servers, one setup for every JDBC benchmark. */
final class DataSources {
  private DataSources() {}

  static DataSource postgres(JdbcTestServer server) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(server.jdbcUrl());
    ds.setUser(server.user());
    ds.setPassword(server.password());
    ds.setConnectTimeout(5);
    return ds;
  }

  static DataSource mariadb(JdbcTestServer server) throws SQLException {
    MariaDbDataSource ds = new MariaDbDataSource(server.jdbcUrl());
    ds.setUser(server.user());
    ds.setPassword(server.password());
    return ds;
  }
}
