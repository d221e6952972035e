package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names a provider locks under and the schema objects it uses: the lock table (leases of the
 * lock-table strategy; fencing counters on MySQL/MariaDB and for transaction-scoped locks) and,
 * on PostgreSQL, the token sequence. Identifiers cannot be bound as parameters, so they are
 * checked against a strict pattern before they reach SQL text.
 */
final class Schema {
  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  final String namespace;
  final String lockTable;
  final String tokenSequence;
  final Dialect dialect;

  Schema(String namespace, String lockTable, String tokenSequence, Dialect dialect) {
    this.namespace = namespace;
    this.lockTable = lockTable;
    this.tokenSequence = tokenSequence;
    this.dialect = dialect;
  }

  static String checkIdentifier(String what, String identifier) {
    Objects.requireNonNull(identifier, what + " must not be null");
    if (!IDENTIFIER.matcher(identifier).matches()) {
      throw new IllegalArgumentException(what + " must be an SQL identifier ([A-Za-z_][A-Za-z0-9_]*,"
          + " optionally schema-qualified): \"" + identifier + "\"");
    }
    return identifier;
  }

  /** The lock table's DDL: standard SQL, but for the character set of names on MySQL/MariaDB. */
  String lockTableDdl() {
    return "CREATE TABLE " + lockTable + " ("
        + " lock_key CHAR(64) NOT NULL PRIMARY KEY," // hex SHA-256 of namespace and name
        + " lock_name VARCHAR(1024)" + dialect.textCharset() + " NOT NULL," // for people reading it
        + " owner_id CHAR(36)," //                      the holding lease, null when free
        + " token BIGINT NOT NULL," //                  the last fencing token issued
        + " expires_at BIGINT NOT NULL)"; //            database clock, ms since the epoch
  }

  /**
   * Creates what a strategy needs, if missing: the token sequence (PostgreSQL; MariaDB when
   * {@code sequence}) and the lock table (every strategy but PostgreSQL's).
   */
  void create(Connection connection, JdbcLockProvider.Strategy strategy, boolean sequence)
      throws SQLException {
    if (sequence) {
      Sql.execute(connection, "CREATE SEQUENCE IF NOT EXISTS " + tokenSequence);
    }
    if (strategy != JdbcLockProvider.Strategy.POSTGRESQL_ADVISORY) {
      createLockTable(connection);
    }
  }

  private void createLockTable(Connection connection) throws SQLException {
    if (dialect.knowsCreateIfNotExists()) {
      Sql.execute(connection, lockTableDdl().replaceFirst("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS "));
      return;
    }
    if (exists(connection)) {
      return;
    }
    try {
      Sql.execute(connection, lockTableDdl());
    } catch (SQLException e) {
      if (!exists(connection)) { // not created by a concurrent provider either
        throw new LockException("cannot create the lock table " + lockTable + ": " + e.getMessage()
            + "; create it yourself (DDL in the baton-locks-jdbc README) and build with createSchema(false)", e);
      }
    }
  }

  private boolean exists(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("SELECT lock_key FROM " + lockTable + " WHERE 1 = 0").close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}
