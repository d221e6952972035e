package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * MySQL and MariaDB {@code GET_LOCK}: named locks, many per session (MySQL 5.7+, MariaDB
 * 10.0.2+), on hashed names (the server limits them to 64 characters and compares them without
 * case). Tokens: one row per name in the lock table, incremented right after the grant.
 */
final class MySqlSessions implements SessionDialect {
  private final Schema schema;
  /**
   * Takes the next token of a name, creating its row at 1. LAST_INSERT_ID(expr) hands the new
   * value back in the reply, so no further read is needed.
   */
  private final String nextToken;

  record Key(String lockName, String tableKey, String name) {}

  MySqlSessions(Schema schema) {
    this.schema = schema;
    this.nextToken = "INSERT INTO " + schema.lockTable
        + " (lock_key, lock_name, owner_id, token, expires_at) VALUES (?, ?, NULL, LAST_INSERT_ID(1), 0)"
        + " ON DUPLICATE KEY UPDATE token = LAST_INSERT_ID(token + 1)";
  }

  @Override
  public Object key(String name) {
    return new Key(LockKeys.mysqlName(schema.namespace, name), LockKeys.tableKey(schema.namespace, name), name);
  }

  @Override
  public long open(Connection connection) throws SQLException {
    // A multiplexing proxy (e.g. ProxySQL) may move a connection between server sessions:
    // a session variable set now must read back, from the same connection id.
    String probe = UUID.randomUUID().toString();
    long id;
    try (PreparedStatement set = connection.prepareStatement("SET @baton_session_probe = ?")) {
      set.setString(1, probe);
      set.execute();
    }
    try (PreparedStatement get = connection.prepareStatement("SELECT CONNECTION_ID(), @baton_session_probe");
        ResultSet rs = get.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
      if (!probe.equals(rs.getString(2))) {
        throw new LockException("the connection does not keep its MySQL session between statements:"
            + " a multiplexing proxy would strand GET_LOCK locks. Give the lock provider a DataSource"
            + " that connects directly");
      }
    }
    return id;
  }

  @Override
  public long sessionId(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT CONNECTION_ID()");
        ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public OptionalLong tryLock(Connection connection, Object key) throws SQLException {
    return getLock(connection, (Key) key, 0);
  }

  @Override
  public OptionalLong lock(Connection connection, Object key, long waitMillis) throws SQLException {
    return getLock(connection, (Key) key, Math.max(1, waitMillis));
  }

  private OptionalLong getLock(Connection connection, Key key, long waitMillis) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
      statement.setString(1, key.lockName());
      statement.setBigDecimal(2, java.math.BigDecimal.valueOf(waitMillis, 3)); // seconds, in ms steps
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        if (rs.getInt(1) != 1) {
          return OptionalLong.empty(); // 0: timed out; NULL: error, e.g. killed while waiting
        }
      }
    }
    try {
      return OptionalLong.of(nextToken(connection, key));
    } catch (SQLException | RuntimeException e) {
      try {
        unlock(connection, key); // no token, no grant
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private long nextToken(Connection connection, Key key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(nextToken, Statement.RETURN_GENERATED_KEYS)) {
      statement.setString(1, key.tableKey());
      statement.setString(2, key.name());
      statement.executeUpdate();
      try (ResultSet keys = statement.getGeneratedKeys()) {
        if (keys.next() && keys.getLong(1) > 0) {
          return keys.getLong(1);
        }
      }
    }
    try (PreparedStatement statement = connection.prepareStatement("SELECT LAST_INSERT_ID()");
        ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public boolean unlock(Connection connection, Object key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
      statement.setString(1, ((Key) key).lockName());
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1; // 0: another session's; NULL: nobody's
      }
    }
  }

  @Override
  public boolean holds(Connection connection, Object key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT IS_USED_LOCK(?) = CONNECTION_ID()")) {
      statement.setString(1, ((Key) key).lockName());
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }
}
