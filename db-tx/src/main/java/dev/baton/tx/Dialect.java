package dev.baton.tx;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/**
 * What differs between databases: how a lock timeout and a statement timeout are set for one
 * transaction, and how they are undone. Every value written into SQL here is a number this class
 * formatted itself.
 */
enum Dialect {
  /** {@code SET LOCAL}-style settings (set_config(..., true)): they end with the transaction. */
  POSTGRESQL,
  /** Session variables in seconds: innodb_lock_wait_timeout (whole), max_statement_time. */
  MARIADB,
  /** As MariaDB, but MySQL's statement timeout is max_execution_time (ms, SELECT only). */
  MYSQL,
  /** Session settings in milliseconds: LOCK_TIMEOUT, QUERY_TIMEOUT. */
  H2,
  /** Anything else: no lock or statement timeout. */
  OTHER;

  /** Undoes settings on a connection. */
  interface Restore {
    Restore NOTHING = connection -> { };

    void run(Connection connection) throws SQLException;
  }

  static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return POSTGRESQL;
    } else if (product.contains("mariadb")) {
      return MARIADB;
    } else if (product.contains("mysql")) {
      return MYSQL;
    } else if (product.equals("h2")) {
      return H2;
    }
    return OTHER;
  }

  /**
   * Sets the timeouts (either may be null) for the transaction that {@code connection} is in or
   * is about to start; returns what undoes them once that transaction has ended.
   */
  Restore applyForTransaction(Connection connection, Duration lockTimeout,
      Duration statementTimeout) throws SQLException {
    if (lockTimeout == null && statementTimeout == null) {
      return Restore.NOTHING;
    }
    if (this == POSTGRESQL) {
      // set_config(..., true) is SET LOCAL: it ends with the transaction, commit or rollback.
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT " + postgresSets(lockTimeout, statementTimeout));
      }
      return Restore.NOTHING;
    }
    return applyToSession(connection, lockTimeout, statementTimeout);
  }

  /**
   * Sets a lock timeout for the next statements of the current transaction; returns what puts
   * the previous value back, still inside the transaction.
   */
  Restore applyLockTimeoutWithin(Connection connection, Duration lockTimeout)
      throws SQLException {
    if (this == POSTGRESQL) {
      String previous = queryString(connection, "SELECT current_setting('lock_timeout')");
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT " + postgresSets(lockTimeout, null));
      }
      return c -> {
        try (var set = c.prepareStatement("SELECT set_config('lock_timeout', ?, true)")) {
          set.setString(1, previous);
          set.execute();
        }
      };
    }
    return applyToSession(connection, lockTimeout, null);
  }

  /**
   * The lock timeout a statement of {@link RowLocks} really runs under: {@code lockTimeout},
   * except on H2, where it is capped at the session's query timeout (see
   * {@link #applyToSession}: H2's query timeout does not end a lock wait).
   */
  Duration capForStatement(Connection connection, Duration lockTimeout) throws SQLException {
    if (this != H2) {
      return lockTimeout;
    }
    long queryTimeout = Long.parseLong(number(queryString(connection, "SELECT SETTING_VALUE "
        + "FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT'")));
    return queryTimeout > 0 && queryTimeout < millis(lockTimeout)
        ? Duration.ofMillis(queryTimeout) : lockTimeout;
  }

  /**
   * The lock timeout a transactor's {@code lockTimeout} amounts to once
   * {@link #applyForTransaction} ran: {@code lockTimeout} itself, except on H2, where it is
   * capped at {@code statementTimeout}. Null when the transactor sets no lock timeout (the
   * database's own applies, and on H2 a statement timeout caps it without making it the
   * transactor's).
   */
  Duration effectiveLockTimeout(Duration lockTimeout, Duration statementTimeout) {
    if (lockTimeout == null || this != H2 || statementTimeout == null) {
      return lockTimeout;
    }
    return statementTimeout.compareTo(lockTimeout) < 0 ? statementTimeout : lockTimeout;
  }

  /** The H2 lock timeout to set, or null to leave {@code currentMillis} (0 or less: none). */
  private static Duration effectiveH2LockTimeout(Duration lockTimeout, Duration statementTimeout,
      long currentMillis) {
    if (statementTimeout == null) {
      return lockTimeout;
    }
    if (lockTimeout == null) {
      return currentMillis > 0 && currentMillis <= millis(statementTimeout) ? null
          : statementTimeout;
    }
    return statementTimeout.compareTo(lockTimeout) < 0 ? statementTimeout : lockTimeout;
  }

  private static String postgresSets(Duration lockTimeout, Duration statementTimeout) {
    StringBuilder sql = new StringBuilder();
    if (lockTimeout != null) {
      sql.append("set_config('lock_timeout', '").append(millis(lockTimeout)).append("', true)");
    }
    if (statementTimeout != null) {
      sql.append(sql.length() > 0 ? ", " : "")
          .append("set_config('statement_timeout', '").append(millis(statementTimeout))
          .append("', true)");
    }
    return sql.toString();
  }

  private Restore applyToSession(Connection connection, Duration lockTimeout,
      Duration statementTimeout) throws SQLException {
    switch (this) {
      case MARIADB:
      case MYSQL: {
        String timeoutVariable = this == MARIADB ? "max_statement_time" : "max_execution_time";
        String[] previous = queryStrings(connection, "SELECT @@SESSION.innodb_lock_wait_timeout, "
            + "@@SESSION." + timeoutVariable);
        StringBuilder set = new StringBuilder();
        StringBuilder reset = new StringBuilder();
        if (lockTimeout != null) {
          set.append("innodb_lock_wait_timeout = ").append(wholeSeconds(lockTimeout));
          reset.append("innodb_lock_wait_timeout = ").append(number(previous[0]));
        }
        if (statementTimeout != null) {
          String value = this == MARIADB ? seconds(statementTimeout)
              : Long.toString(millis(statementTimeout));
          set.append(set.length() > 0 ? ", " : "").append(timeoutVariable).append(" = ")
              .append(value);
          reset.append(reset.length() > 0 ? ", " : "").append(timeoutVariable).append(" = ")
              .append(number(previous[1]));
        }
        execute(connection, "SET SESSION " + set);
        String resetSql = "SET SESSION " + reset;
        return c -> execute(c, resetSql);
      }
      case H2: {
        // H2's QUERY_TIMEOUT does not end a statement waiting for a row lock (only LOCK_TIMEOUT
        // does), so the lock timeout is capped at the statement timeout: a blocked statement
        // then ends at the statement timeout, as on PostgreSQL and MariaDB.
        StringBuilder reset = new StringBuilder();
        String previousLock = queryString(connection, "SELECT LOCK_TIMEOUT()");
        Duration lock = effectiveH2LockTimeout(lockTimeout, statementTimeout,
            Long.parseLong(number(previousLock)));
        if (lock != null) {
          execute(connection, "SET LOCK_TIMEOUT " + millis(lock));
          reset.append("SET LOCK_TIMEOUT ").append(previousLock);
        }
        if (statementTimeout != null) {
          String previous = queryString(connection, "SELECT SETTING_VALUE FROM "
              + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT'");
          execute(connection, "SET QUERY_TIMEOUT " + millis(statementTimeout));
          reset.append(reset.length() > 0 ? ";" : "").append("SET QUERY_TIMEOUT ")
              .append(number(previous));
        }
        String resetSql = reset.toString();
        return c -> {
          for (String sql : resetSql.split(";")) {
            if (!sql.isEmpty()) {
              execute(c, sql);
            }
          }
        };
      }
      default:
        throw new TransactionException("lock and statement timeouts are supported on "
            + "PostgreSQL, MariaDB, MySQL and H2, not on this database (" + this + ")");
    }
  }

  /** Lock timeouts below 1 ms would mean "no timeout" on PostgreSQL and H2. */
  private static long millis(Duration duration) {
    return Math.max(1, (duration.toNanos() + 999_999) / 1_000_000);
  }

  /** innodb_lock_wait_timeout takes whole seconds: rounded up, at least 1. */
  private static long wholeSeconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }

  private static String seconds(Duration duration) {
    return java.math.BigDecimal.valueOf(millis(duration), 3).toPlainString();
  }

  /** A value read back from the server, checked to be a number before it goes into SQL. */
  private static String number(String value) throws SQLException {
    if (value == null || !value.matches("[0-9]+(\\.[0-9]+)?")) {
      throw new SQLException("unexpected setting value: " + value);
    }
    return value;
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String queryString(Connection connection, String sql) throws SQLException {
    return queryStrings(connection, sql)[0];
  }

  private static String[] queryStrings(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      String[] values = new String[rows.getMetaData().getColumnCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = rows.getString(i + 1);
      }
      return values;
    }
  }
}
