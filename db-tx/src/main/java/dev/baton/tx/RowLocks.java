package dev.baton.tx;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Check-then-reserve with row locks: read rows with {@code SELECT ... FOR UPDATE}, waiting at
 * most a lock timeout for a concurrent holder, then decide and write in the same transaction.
 *
 * <pre>{@code
 * tx.useTransaction(c -> {
 *   List<Integer> free = RowLocks.selectForUpdate(c, Duration.ofMillis(500),
 *       "SELECT seats FROM flight WHERE id = ? FOR UPDATE", row -> row.getInt(1), flightId);
 *   if (free.get(0) < 1) throw new SoldOutException(flightId);
 *   update(c, "UPDATE flight SET seats = seats - 1 WHERE id = ?", flightId);
 * });
 * }</pre>
 *
 * <p>Stateless and thread-safe (a connection itself is not).
 */
public final class RowLocks {
  private RowLocks() {}

  /**
   * Runs {@code selectForUpdateSql} with {@code params} under {@code lockTimeout} and maps every
   * row. The rows stay locked until the transaction ends; the connection's previous lock
   * timeout applies again to the statements after this one. Must run inside a transaction.
   *
   * @param <T> what each row maps to
   * @param connection a connection inside a transaction (not in auto-commit mode)
   * @param lockTimeout how long to wait for each row lock; positive
   * @param selectForUpdateSql the query, with {@code ?} placeholders and its locking clause
   *     (e.g. {@code FOR UPDATE})
   * @param mapper maps each row
   * @param params the values for the placeholders, in order
   * @return the mapped rows, in the order the query returned them
   * @throws IllegalArgumentException if {@code lockTimeout} is not positive
   *
   * @throws LockTimeoutException if a row stayed locked by another transaction for
   *     {@code lockTimeout} (MariaDB/MySQL: rounded up to whole seconds; H2: at most the
   *     transaction's statement timeout, which is then the exception's {@code lockTimeout()}). On PostgreSQL the
   *     transaction is then aborted and must roll back; elsewhere only the statement failed.
   * @throws TransactionException any other SQL failure (the SQLException is the cause)
   * @throws IllegalStateException if the connection is in auto-commit mode
   */
  public static <T> List<T> selectForUpdate(Connection connection, Duration lockTimeout,
      String selectForUpdateSql, RowMapper<T> mapper, Object... params) {
    Objects.requireNonNull(connection, "connection");
    RetryPolicy.Builder.positive("lockTimeout", lockTimeout);
    Objects.requireNonNull(selectForUpdateSql, "selectForUpdateSql");
    Objects.requireNonNull(mapper, "mapper");
    try {
      if (connection.getAutoCommit()) {
        throw new IllegalStateException("selectForUpdate needs a transaction: its locks would "
            + "be released as soon as the statement ends in auto-commit mode");
      }
      Dialect dialect = Dialect.of(connection);
      Duration timeout = dialect.capForStatement(connection, lockTimeout);
      Dialect.Restore restore = dialect.applyLockTimeoutWithin(connection, timeout);
      List<T> rows;
      try {
        rows = query(connection, selectForUpdateSql, mapper, params);
      } catch (SQLException e) {
        // On PostgreSQL the failed statement aborted the transaction, and the setting with it.
        if (dialect != Dialect.POSTGRESQL) {
          try {
            restore.run(connection);
          } catch (SQLException restoreFailure) {
            e.addSuppressed(restoreFailure);
          }
        }
        if (SqlFailures.isLockTimeout(e)) {
          throw new LockTimeoutException(LockTimeoutException.message("row lock", timeout, e)
              + ": " + selectForUpdateSql, timeout, e);
        }
        throw e;
      }
      restore.run(connection);
      return rows;
    } catch (SQLException e) {
      throw new TransactionException("selectForUpdate failed: " + e.getMessage(), e);
    }
  }

  private static <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper,
      Object... params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      List<T> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows.add(mapper.map(result));
        }
      }
      return rows;
    }
  }
}
