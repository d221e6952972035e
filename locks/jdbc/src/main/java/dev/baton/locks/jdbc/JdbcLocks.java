package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import dev.baton.locks.spi.LockArguments;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Locks for code already inside a transaction: the lock lasts until the caller's transaction
 * commits or rolls back, with nothing to release and nothing to leak.
 *
 * <pre>{@code
 * connection.setAutoCommit(false);
 * OptionalLong token = JdbcLocks.lockInTransaction(connection, "invoice:" + id, Duration.ofSeconds(2));
 * if (token.isPresent()) {
 *   ... // the name is ours until commit or rollback
 * }
 * connection.commit();
 * }</pre>
 *
 * <ul>
 *   <li>PostgreSQL: {@code pg_advisory_xact_lock} on the same key a {@link JdbcLockProvider}
 *       with the default namespace uses, so both exclude each other. Waiting happens in
 *       PostgreSQL's lock queue under {@code lock_timeout}, inside a savepoint, so a timeout
 *       leaves the caller's transaction usable.
 *   <li>Elsewhere (MySQL, MariaDB, H2, …): the name's row of the lock table, locked by an
 *       {@code UPDATE} (or created) inside the caller's transaction. On MySQL/MariaDB this does
 *       not exclude {@code GET_LOCK} leases of a provider: use one kind of lock per name there.
 * </ul>
 *
 * <p>The fencing token comes from the same counter as the provider's: PostgreSQL's sequence,
 * which a rollback does not take back; the lock table's row, whose increment a rollback does
 * undo (the next holder may then see the same token as a rolled-back one). The lock table or
 * sequence must exist: building a {@link JdbcLockProvider} on the database creates them, or see
 * the README for their DDL. Uses the default namespace, table and sequence names; for a
 * provider's own, call {@link JdbcLockProvider#lockInTransaction} on it. Thread-safe
 * (stateless); a connection must not be used by two threads at once.
 */
public final class JdbcLocks {
  private static final String NAMESPACE = "baton";
  private static final String DEFAULT_TABLE = "baton_lock";
  private static final String DEFAULT_SEQUENCE = "baton_lock_token";
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private JdbcLocks() {}

  /**
   * Locks {@code name} until the end of the connection's current transaction, waiting up to
   * {@code maxWait} (zero: one attempt).
   *
   * @param connection the caller's connection, with auto-commit off; not null
   * @param name the lock name: 1 to 1024 characters, not blank
   * @param maxWait how long to wait for the name, zero or positive
   * @return the fencing token, or empty if the name stayed held for {@code maxWait}
   * @throws IllegalArgumentException if {@code name} or {@code maxWait} is invalid
   * @throws IllegalStateException if the connection is in auto-commit mode
   * @throws LockException if the database fails the statement (the caller's transaction may
   *     then be rolled back by the database, e.g. on a deadlock), or if the thread is interrupted
   *     while polling the lock table; a {@link dev.baton.locks.LockUnavailableException} if the
   *     database cannot be reached
   */
  public static OptionalLong lockInTransaction(Connection connection, String name, Duration maxWait) {
    return lock(connection, name, maxWait, null, null);
  }

  /**
   * Locks in {@code connection}'s transaction with {@code provider}'s namespace, table and
   * sequence, or the defaults when {@code provider} is null; see
   * {@link JdbcLockProvider#lockInTransaction}.
   */
  static OptionalLong lock(Connection connection, String name, Duration maxWait,
      JdbcLockProvider.Strategy providerStrategy, Schema providerSchema) {
    Objects.requireNonNull(connection, "connection must not be null");
    LockArguments.checkName(name);
    LockArguments.checkMaxWait(maxWait);
    try {
      if (connection.getAutoCommit()) {
        throw new IllegalStateException("lockInTransaction needs a transaction, but the connection"
            + " is in auto-commit mode: call setAutoCommit(false) first");
      }
      String product = connection.getMetaData().getDatabaseProductName();
      JdbcLockProvider.Strategy nativeStrategy = JdbcLockProvider.Builder.pick(product);
      JdbcLockProvider.Strategy strategy = providerStrategy == null ? nativeStrategy : providerStrategy;
      if (strategy != JdbcLockProvider.Strategy.LOCK_TABLE && strategy != nativeStrategy) {
        throw new IllegalArgumentException("the connection is to " + product
            + ", but the provider locks with " + strategy + ": use a connection to its database");
      }
      Schema schema = providerSchema != null ? providerSchema
          : new Schema(NAMESPACE, DEFAULT_TABLE, DEFAULT_SEQUENCE, Dialect.of(product, null, true));
      if (strategy == JdbcLockProvider.Strategy.POSTGRESQL_ADVISORY) {
        return postgres(connection, schema, name, maxWait);
      }
      return lockTableRow(connection, schema, name, maxWait);
    } catch (SQLException e) {
      throw Connector.failure("locking " + name + " in the transaction", e, connection);
    }
  }

  private static OptionalLong postgres(Connection connection, Schema schema, String name,
      Duration maxWait) throws SQLException {
    long key = LockKeys.advisoryKey(schema.namespace, name);
    String sequence = schema.tokenSequence;
    if (maxWait.isZero()) {
      Long token = Sql.queryLong(connection,
          "SELECT CASE WHEN pg_try_advisory_xact_lock(?) THEN nextval('" + sequence + "') END", key);
      return token == null ? OptionalLong.empty() : OptionalLong.of(token);
    }
    // The savepoint confines a lock_timeout error (and the lock_timeout setting) to this call.
    Savepoint savepoint = connection.setSavepoint();
    try {
      String previous = Sql.queryString(connection, "SELECT current_setting('lock_timeout')");
      Sql.queryString(connection, "SELECT set_config('lock_timeout', ?, true)",
          Math.max(1, maxWait.toMillis()) + "ms");
      long token = Sql.queryLong(connection,
          PostgresSessions.lockThenNextToken("pg_advisory_xact_lock", sequence), key);
      // Keep the lock, restore lock_timeout: a rollback to the savepoint would free the lock too.
      Sql.queryString(connection, "SELECT set_config('lock_timeout', ?, true)", previous);
      connection.releaseSavepoint(savepoint);
      return OptionalLong.of(token);
    } catch (SQLException e) {
      connection.rollback(savepoint);
      if (PostgresSessions.isLockTimeout(e)) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  private static OptionalLong lockTableRow(Connection connection, Schema schema, String name,
      Duration maxWait) throws SQLException {
    long deadline = LockArguments.deadlineAfter(System.nanoTime(), maxWait);
    // InnoDB ignores statement timeouts while waiting for a row lock: bound that wait itself.
    boolean innodb = schema.dialect.isMySql();
    Integer previousWait = innodb ? innodbLockWait(connection, null) : null;
    try {
      return lockTableRow(connection, schema, name, deadline, innodb);
    } finally {
      if (previousWait != null) {
        innodbLockWait(connection, previousWait);
      }
    }
  }

  /** Reads (and, given a value, sets) the session's InnoDB lock wait timeout in seconds. */
  private static Integer innodbLockWait(Connection connection, Integer seconds) throws SQLException {
    if (seconds != null) {
      Sql.update(connection, "SET SESSION innodb_lock_wait_timeout = ?", seconds);
      return seconds;
    }
    return Sql.queryLong(connection, "SELECT @@SESSION.innodb_lock_wait_timeout").intValue();
  }

  private static OptionalLong lockTableRow(Connection connection, Schema schema, String name,
      long deadline, boolean innodb) throws SQLException {
    String key = LockKeys.tableKey(schema.namespace, name);
    String now = "(" + schema.dialect.clock() + ")";
    String take = "UPDATE " + schema.lockTable + " SET token = token + 1 WHERE lock_key = ?"
        + " AND (owner_id IS NULL OR expires_at <= " + now + ")";
    String create = "INSERT INTO " + schema.lockTable
        + " (lock_key, lock_name, owner_id, token, expires_at) VALUES (?, ?, NULL, 1, 0)";
    long pause = TimeUnit.MILLISECONDS.toNanos(2);
    // InnoDB (REPEATABLE READ): an UPDATE that finds no row locks the gap around the key until
    // the transaction ends, and other transactions' new rows for other names in that gap wait
    // on it. So a name without a row is inserted first, which locks the new row alone.
    boolean insertFirst = innodb && Sql.queryLong(connection,
        "SELECT 1 FROM " + schema.lockTable + " WHERE lock_key = ?", key) == null;
    while (true) {
      long left = deadline - System.nanoTime();
      int seconds = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L));
      if (innodb) {
        innodbLockWait(connection, seconds);
      }
      Created created = insertFirst ? create(connection, create, key, name) : Created.EXISTS;
      insertFirst = false;
      if (created == Created.YES) {
        return OptionalLong.of(1);
      }
      // EXISTS: take the row. BUSY: another transaction is creating it; this round is spent.
      if (created == Created.EXISTS && (taken(connection, take, key, seconds)
          || create(connection, create, key, name) == Created.YES)) {
        return OptionalLong.of(Sql.queryLong(connection,
            "SELECT token FROM " + schema.lockTable + " WHERE lock_key = ?", key));
      }
      // The row exists and a lease or another transaction holds it: poll, as the lock table's
      // waiters do.
      left = deadline - System.nanoTime();
      if (left <= 0) {
        return OptionalLong.empty();
      }
      LockSupport.parkNanos(Math.min(left, ThreadLocalRandom.current().nextLong(pause / 2, pause + 1)));
      if (Thread.currentThread().isInterrupted()) {
        throw new LockException("interrupted while waiting for " + name + " in the transaction");
      }
      pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
    }
  }

  private enum Created { YES, EXISTS, BUSY }

  /** The conditional UPDATE of the name's row; another transaction's row lock is waited for. */
  private static boolean taken(Connection connection, String take, String key, int seconds)
      throws SQLException {
    try {
      // The row lock of another transaction is waited for at the server, within maxWait
      // rounded up to whole seconds.
      return Sql.updateWithin(seconds, connection, take, key) == 1;
    } catch (SQLException e) {
      if (!isLockWaitTimeout(e)) {
        throw e;
      }
      return false;
    }
  }

  private static Created create(Connection connection, String create, String key, String name)
      throws SQLException {
    try {
      Sql.update(connection, create, key, LockKeys.displayName(name));
      return Created.YES;
    } catch (SQLException e) {
      if (Dialect.isDuplicateKey(e)) {
        return Created.EXISTS;
      }
      if (isLockWaitTimeout(e)) {
        return Created.BUSY;
      }
      throw e;
    }
  }

  /** A lock wait or statement timeout: H2 HYT00/57014, MySQL 1205 and MariaDB 1969/70100. */
  static boolean isLockWaitTimeout(SQLException e) {
    String state = e.getSQLState();
    int code = e.getErrorCode();
    return "HYT00".equals(state) || "57014".equals(state) || "70100".equals(state)
        || code == 1205 || code == 1969 || code == 3024;
  }
}
