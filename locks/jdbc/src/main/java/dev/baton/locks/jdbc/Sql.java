package dev.baton.locks.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One parameterised statement, run and closed: the only way SQL reaches the database here. */
final class Sql {
  private Sql() {}

  /** The first column of the first row as a long, or null for SQL NULL or no row. */
  static Long queryLong(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet rs = statement.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      long value = rs.getLong(1);
      return rs.wasNull() ? null : value;
    }
  }

  /** The first column of the first row as a string, or null. */
  static String queryString(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet rs = statement.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** True if the first column of the first row is true (or 1); false for false, 0, NULL or no row. */
  static boolean queryTrue(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet rs = statement.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /** A statement without parameters or results (SET, RESET, DO). */
  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The update count of an INSERT, UPDATE or SET. */
  static int update(Connection connection, String sql, Object... parameters) throws SQLException {
    return updateWithin(0, connection, sql, parameters);
  }

  /**
   * An update the server abandons after {@code seconds} (JDBC query timeout): bounds a wait for
   * another transaction's row lock below the network timeout, so it ends as a timeout error
   * (see {@link JdbcLocks#isLockWaitTimeout}) and not as a dropped connection. Zero: no limit.
   */
  static int updateWithin(int seconds, Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, parameters)) {
      if (seconds > 0) {
        statement.setQueryTimeout(seconds);
      }
      return statement.executeUpdate();
    }
  }

  /** The first column of every row, as strings. */
  static java.util.List<String> queryColumn(Connection connection, String sql, Object... parameters)
      throws SQLException {
    java.util.List<String> values = new java.util.ArrayList<>();
    try (PreparedStatement statement = prepare(connection, sql, parameters);
        java.sql.ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
    return statement;
  }
}
