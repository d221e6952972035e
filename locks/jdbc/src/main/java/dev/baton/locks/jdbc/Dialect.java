package dev.baton.locks.jdbc;

import java.util.Locale;

/**
 * What differs between databases for the lock table: the database's clock, in milliseconds
 * since the epoch as a BIGINT (the lease expiry is the database's time, never the
 * application's), and how a duplicate key shows.
 */
record Dialect(String product, String clock) {
  static final String POSTGRESQL_CLOCK = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
  // TIMESTAMPDIFF from a constant keeps session time zones (and their DST gaps) out of it.
  static final String MYSQL_CLOCK =
      "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)";
  static final String H2_CLOCK = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";

  /**
   * @param clock the caller's clock expression, or null for the known one
   * @param needsClock whether the strategy uses the clock (the lock table does)
   */
  static Dialect of(String product, String clock, boolean needsClock) {
    if (clock != null) {
      return new Dialect(product, clock);
    }
    String p = product.toLowerCase(Locale.ROOT);
    String known = p.contains("postgresql") ? POSTGRESQL_CLOCK
        : p.contains("mysql") || p.contains("mariadb") ? MYSQL_CLOCK
        : p.equals("h2") ? H2_CLOCK
        : null;
    if (known == null && needsClock) {
      throw new IllegalStateException("Baton does not know the clock of " + product
          + ": give the lock table one with JdbcLockProvider.Builder.databaseClock(sqlExpression)");
    }
    return new Dialect(product, known);
  }

  /** PostgreSQL, MySQL, MariaDB and H2 know CREATE TABLE IF NOT EXISTS. */
  boolean knowsCreateIfNotExists() {
    String p = product.toLowerCase(Locale.ROOT);
    return isMySql() || p.contains("postgresql") || p.equals("h2");
  }

  boolean isMySql() {
    String p = product.toLowerCase(Locale.ROOT);
    return p.contains("mysql") || p.contains("mariadb");
  }

  /** MySQL's default character set may be latin1, which cannot hold every name. */
  String textCharset() {
    return isMySql() ? " CHARACTER SET utf8mb4" : "";
  }

  /** True for a unique-key violation: SQLState class 23 (MySQL: 23000 with error 1062). */
  static boolean isDuplicateKey(java.sql.SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLIntegrityConstraintViolationException) {
        return true;
      }
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && sql.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }
}
