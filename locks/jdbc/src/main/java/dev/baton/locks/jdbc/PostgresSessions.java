package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * PostgreSQL session advisory locks on one 64-bit key per name. Tokens come from a sequence,
 * which never goes back (not on rollback, not on restart), in the same statement as the grant.
 */
final class PostgresSessions implements SessionDialect {
  private final Schema schema;
  /** Takes the lock and, only if it did, the next token: one round trip. */
  private final String tryLock;
  /** Waits in PostgreSQL's lock queue (under lock_timeout), then takes the next token. */
  private final String lock;

  PostgresSessions(Schema schema) {
    this.schema = schema;
    this.tryLock = "SELECT CASE WHEN pg_try_advisory_lock(?) THEN nextval('" + schema.tokenSequence
        + "') END";
    // OFFSET 0 keeps the planner from merging the subquery: the lock is taken before nextval.
    this.lock = "SELECT nextval('" + schema.tokenSequence + "') FROM (SELECT pg_advisory_lock(?) OFFSET 0) granted";
  }

  @Override
  public Object key(String name) {
    return LockKeys.advisoryKey(schema.namespace, name);
  }

  @Override
  public long open(Connection connection) throws SQLException {
    // A pooler in transaction mode (PgBouncer pool_mode=transaction) may run each statement on
    // another server session: session locks would be stranded there. Set a session value and
    // read it back in a second transaction: it must come back, from the same backend.
    String probe = UUID.randomUUID().toString();
    long pid;
    try (PreparedStatement set = connection.prepareStatement(
        "SELECT pg_backend_pid(), set_config('baton.session_probe', ?, false)")) {
      set.setString(1, probe);
      try (ResultSet rs = set.executeQuery()) {
        rs.next();
        pid = rs.getLong(1);
      }
    }
    try (PreparedStatement get = connection.prepareStatement(
        "SELECT pg_backend_pid(), current_setting('baton.session_probe', true)");
        ResultSet rs = get.executeQuery()) {
      rs.next();
      if (rs.getLong(1) != pid || !probe.equals(rs.getString(2))) {
        throw new LockException("the connection does not keep its PostgreSQL session between"
            + " transactions (backend " + pid + " then " + rs.getLong(1) + "): a connection pooler"
            + " in transaction mode (e.g. PgBouncer pool_mode=transaction) would strand session"
            + " locks. Give the lock provider a DataSource that connects directly or through"
            + " session pooling");
      }
    }
    return pid;
  }

  @Override
  public long sessionId(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()");
        ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public OptionalLong tryLock(Connection connection, Object key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(tryLock)) {
      statement.setLong(1, (Long) key);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        long token = rs.getLong(1);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(token);
      }
    }
  }

  @Override
  public OptionalLong lock(Connection connection, Object key, long waitMillis) throws SQLException {
    try (PreparedStatement timeout = connection.prepareStatement(
        "SELECT set_config('lock_timeout', ?, false)")) {
      timeout.setString(1, Math.max(1, waitMillis) + "ms");
      timeout.executeQuery().close();
    }
    try (PreparedStatement statement = connection.prepareStatement(lock)) {
      statement.setLong(1, (Long) key);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return OptionalLong.of(rs.getLong(1));
      }
    } catch (SQLException e) {
      if ("55P03".equals(e.getSQLState())) { // lock_not_available: lock_timeout ran out
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  @Override
  public boolean unlock(Connection connection, Object key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      statement.setLong(1, (Long) key);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Override
  public boolean holds(Connection connection, Object key) throws SQLException {
    // A bigint advisory key shows in pg_locks as classid = high half, objid = low half, objsubid 1.
    long k = (Long) key;
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            + " AND pid = pg_backend_pid() AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1)")) {
      statement.setLong(1, k >>> 32);
      statement.setLong(2, k & 0xFFFF_FFFFL);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
