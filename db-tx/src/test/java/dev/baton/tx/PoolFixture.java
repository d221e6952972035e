package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A HikariCP pool on one test database with a fresh table {@code (id INT PRIMARY KEY)}. */
final class PoolFixture implements AutoCloseable {
  final HikariDataSource pool;
  final String table;

  PoolFixture(TestDb db, int size, String prefix) throws SQLException {
    pool = db.pool(size);
    table = TestDb.table(prefix);
    try (Connection c = pool.getConnection()) {
      TestDb.execute(c, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
    }
  }

  void insert(Connection connection, int id) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + table + " (id) VALUES (?)")) {
      insert.setInt(1, id);
      insert.executeUpdate();
    }
  }

  /** Committed ids, ascending. */
  List<Integer> ids() throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement query = c.prepareStatement("SELECT id FROM " + table + " ORDER BY id");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getInt(1));
      }
    }
    return ids;
  }

  void assertNoConnectionHeld() {
    assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections(), "active connections");
  }

  @Override
  public void close() {
    pool.close();
  }
}
