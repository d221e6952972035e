package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * PostgreSQL session advisory locks on one 64-bit key per name. Tokens come from a sequence,
 * which never goes back (not on rollback, not on restart), in the same statement as the grant.
 * Each session gets a short server-side TCP keepalive ({@link #KEEPALIVE_IDLE}).
 */
final class PostgresSessions implements SessionDialect {
  private static final String SESSION_ID = "SELECT pg_backend_pid()";
  /**
   * TCP keepalive of the server's end of each lock session (seconds idle, seconds between
   * probes, probes): after a network partition the server ends the session, and frees its
   * advisory locks, within about 25 s instead of the operating system's default of two hours
   * and more. The session settings apply to TCP connections only.
   */
  static final int KEEPALIVE_IDLE = 10;
  static final int KEEPALIVE_INTERVAL = 5;
  static final int KEEPALIVE_COUNT = 3;

  private final Schema schema;
  /** Takes the lock and, only if it did, the next token: one round trip. */
  private final String tryLock;
  /** Waits in PostgreSQL's lock queue (under lock_timeout), then takes the next token. */
  private final String lock;

  PostgresSessions(Schema schema) {
    this.schema = schema;
    this.tryLock = "SELECT CASE WHEN pg_try_advisory_lock(?) THEN nextval('" + schema.tokenSequence
        + "') END";
    this.lock = lockThenNextToken("pg_advisory_lock", schema.tokenSequence);
  }

  /**
   * Takes a lock with the blocking function {@code lockFunction}, then the next token. OFFSET 0
   * keeps the planner from merging the subquery: the lock is taken before nextval runs.
   */
  static String lockThenNextToken(String lockFunction, String sequence) {
    return "SELECT nextval('" + sequence + "') FROM (SELECT " + lockFunction + "(?) OFFSET 0) granted";
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
    long pid = Sql.queryLong(connection, "SELECT pg_backend_pid() FROM"
        + " (SELECT set_config('baton.session_probe', ?, false)) probe", probe);
    long pidAgain = sessionId(connection);
    String seen = Sql.queryString(connection, "SELECT current_setting('baton.session_probe', true)");
    if (pidAgain != pid || !probe.equals(seen)) {
      throw new LockException("the connection does not keep its PostgreSQL session between"
          + " transactions (backend " + pid + " then " + pidAgain + "): a connection pooler"
          + " in transaction mode (e.g. PgBouncer pool_mode=transaction) would strand session"
          + " locks. Give the lock provider a DataSource that connects directly or through"
          + " session pooling");
    }
    Sql.queryString(connection, "SELECT set_config('tcp_keepalives_idle', ?, false)"
        + " || set_config('tcp_keepalives_interval', ?, false)"
        + " || set_config('tcp_keepalives_count', ?, false)",
        Integer.toString(KEEPALIVE_IDLE), Integer.toString(KEEPALIVE_INTERVAL),
        Integer.toString(KEEPALIVE_COUNT));
    return pid;
  }

  @Override
  public long sessionId(Connection connection) throws SQLException {
    return Sql.queryLong(connection, SESSION_ID);
  }

  @Override
  public OptionalLong tryLock(Connection connection, Object key) throws SQLException {
    Long token = Sql.queryLong(connection, tryLock, key);
    return token == null ? OptionalLong.empty() : OptionalLong.of(token);
  }

  @Override
  public OptionalLong lock(Connection connection, Object key, long waitMillis) throws SQLException {
    Sql.queryString(connection, "SELECT set_config('lock_timeout', ?, false)", Math.max(1, waitMillis) + "ms");
    try {
      return OptionalLong.of(Sql.queryLong(connection, lock, key));
    } catch (SQLException e) {
      if (isLockTimeout(e)) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  /** lock_not_available: lock_timeout ran out. */
  static boolean isLockTimeout(SQLException e) {
    return "55P03".equals(e.getSQLState());
  }

  @Override
  public boolean unlock(Connection connection, Object key) throws SQLException {
    return Sql.queryTrue(connection, "SELECT pg_advisory_unlock(?)", key);
  }

  @Override
  public void reset(Connection connection) throws SQLException {
    Sql.execute(connection, "SELECT pg_advisory_unlock_all()");
    Sql.execute(connection, "RESET lock_timeout");
    Sql.execute(connection, "RESET baton.session_probe");
    Sql.execute(connection, "RESET tcp_keepalives_idle");
    Sql.execute(connection, "RESET tcp_keepalives_interval");
    Sql.execute(connection, "RESET tcp_keepalives_count");
  }
}
