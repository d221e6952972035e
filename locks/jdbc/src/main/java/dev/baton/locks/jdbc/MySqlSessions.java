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
 * case). Tokens: on MariaDB 10.3+ {@code NEXTVAL} of a sequence in the grant's own statement;
 * on MySQL, which has no sequences, one row per name in the lock table, incremented right after
 * the grant.
 */
final class MySqlSessions implements SessionDialect {
  private final Schema schema;
  /** Takes the lock and, only if it did, the next token (MariaDB): one round trip. */
  private final String lockWithToken;
  /**
   * Takes the next token of a name, creating its row at 1 (MySQL). LAST_INSERT_ID(expr) hands
   * the new value back in the reply, so no further read is needed.
   */
  private final String nextToken;

  record Key(String lockName, String tableKey, String name) {}

  /** @param sequence whether tokens come from the sequence (MariaDB) rather than the table */
  MySqlSessions(Schema schema, boolean sequence) {
    this.schema = schema;
    this.lockWithToken = sequence
        ? "SELECT IF(GET_LOCK(?, ?) = 1, NEXTVAL(" + schema.tokenSequence + "), NULL)"
        : null;
    this.nextToken = "INSERT INTO " + schema.lockTable
        + " (lock_key, lock_name, owner_id, token, expires_at) VALUES (?, ?, NULL, LAST_INSERT_ID(1), 0)"
        + " ON DUPLICATE KEY UPDATE token = LAST_INSERT_ID(token + 1)";
  }

  /**
   * Refuses a server whose {@code GET_LOCK} frees the session's previous lock when it takes
   * another (MySQL before 5.7.5, MariaDB before 10.0.2): a provider holds many locks per
   * session, so there one grant would silently end another. A version it cannot read passes.
   *
   * @param version what {@code SELECT VERSION()} returns, e.g. {@code 8.0.36} or
   *     {@code 10.11.6-MariaDB-log}
   * @throws LockException naming the version and the minimum
   */
  static void checkGetLockVersion(String version) {
    String v = version == null ? "" : version.trim().toLowerCase(java.util.Locale.ROOT);
    boolean mariadb = v.contains("mariadb");
    if (mariadb && v.startsWith("5.5.5-")) {
      v = v.substring("5.5.5-".length()); // MariaDB's old compatibility prefix
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)").matcher(v);
    if (!m.find()) {
      return;
    }
    int[] have = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    int[] need = mariadb ? new int[] {10, 0, 2} : new int[] {5, 7, 5};
    for (int i = 0; i < 3; i++) {
      if (have[i] != need[i]) {
        if (have[i] < need[i]) {
          throw new LockException("GET_LOCK on " + (mariadb ? "MariaDB " : "MySQL ") + version
              + " frees a session's previous lock when it takes another, and a lock provider"
              + " holds many per session: it needs " + (mariadb ? "MariaDB 10.0.2" : "MySQL 5.7.5")
              + " or later (or the LOCK_TABLE strategy)");
        }
        return;
      }
    }
  }

  /** Whether the server behind {@code connection} has sequences: MariaDB 10.3 and later. */
  static boolean hasSequences(Connection connection) throws SQLException {
    String version = Sql.queryString(connection, "SELECT VERSION()");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
    if (!version.toLowerCase(java.util.Locale.ROOT).contains("mariadb") || !m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 10 || (major == 10 && minor >= 3);
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
    // GET_LOCK: 1 granted; 0 timed out; NULL an error, e.g. killed while waiting. Seconds, in ms steps.
    java.math.BigDecimal seconds = java.math.BigDecimal.valueOf(waitMillis, 3);
    if (lockWithToken != null) {
      Long token = Sql.queryLong(connection, lockWithToken, key.lockName(), seconds);
      return token == null ? OptionalLong.empty() : OptionalLong.of(token);
    }
    if (!Sql.queryTrue(connection, "SELECT GET_LOCK(?, ?)", key.lockName(), seconds)) {
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
      statement.setString(2, LockKeys.displayName(key.name()));
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
  public void reset(Connection connection) throws SQLException {
    Sql.execute(connection, "DO RELEASE_ALL_LOCKS()"); // MySQL 5.7, MariaDB 10.5 and later
    Sql.execute(connection, "SET @baton_session_probe = NULL");
  }
}
