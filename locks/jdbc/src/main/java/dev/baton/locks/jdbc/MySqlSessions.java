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
    Sql.update(connection, "SET @baton_session_probe = ?", probe);
    long id = sessionId(connection);
    String seen = Sql.queryString(connection, "SELECT @baton_session_probe");
    if (!probe.equals(seen) || sessionId(connection) != id) {
      throw new LockException("the connection does not keep its MySQL session between statements:"
          + " a multiplexing proxy (a pooler in transaction mode) would strand GET_LOCK locks."
          + " Give the lock provider a DataSource that connects directly");
    }
    return id;
  }

  @Override
  public long sessionId(Connection connection) throws SQLException {
    return Sql.queryLong(connection, "SELECT CONNECTION_ID()");
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
    // 1: granted; 0: timed out; NULL: an error, e.g. killed while waiting. Seconds, in ms steps.
    if (!Sql.queryTrue(connection, "SELECT GET_LOCK(?, ?)", key.lockName(),
        java.math.BigDecimal.valueOf(waitMillis, 3))) {
      return OptionalLong.empty();
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
    return Sql.queryLong(connection, "SELECT LAST_INSERT_ID()");
  }

  @Override
  public boolean unlock(Connection connection, Object key) throws SQLException {
    // 1: freed; 0: another session's; NULL: nobody's.
    return Sql.queryTrue(connection, "SELECT RELEASE_LOCK(?)", ((Key) key).lockName());
  }

  @Override
  public boolean holds(Connection connection, Object key) throws SQLException {
    return Sql.queryTrue(connection, "SELECT IS_USED_LOCK(?) = CONNECTION_ID()", ((Key) key).lockName());
  }
}
