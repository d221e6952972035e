package dev.baton.tx;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Classifies failures by the SQL errors anywhere in their chain: every cause, and every
 * {@link SQLException#getNextException() next exception} of each SQL error, so that a driver
 * error wrapped in the caller's own exception is still recognised.
 */
final class SqlFailures {
  private SqlFailures() {}

  /** PostgreSQL serialization_failure, any driver's 40001 (MariaDB/MySQL 1213 and H2 deadlocks too). */
  static boolean isSerializationFailure(SQLException e) {
    return "40001".equals(e.getSQLState());
  }

  /** PostgreSQL deadlock_detected (40P01), MySQL/MariaDB ER_LOCK_DEADLOCK (1213). */
  static boolean isDeadlock(SQLException e) {
    return "40P01".equals(e.getSQLState()) || e.getErrorCode() == 1213;
  }

  /**
   * PostgreSQL lock_not_available (55P03, lock_timeout), MySQL/MariaDB ER_LOCK_WAIT_TIMEOUT
   * (1205), H2 LOCK_TIMEOUT_1 (50200).
   */
  static boolean isLockTimeout(SQLException e) {
    return "55P03".equals(e.getSQLState()) || e.getErrorCode() == 1205
        || e.getErrorCode() == 50200;
  }

  static boolean anyInChain(Throwable failure, Predicate<SQLException> test) {
    return firstInChain(failure, test) != null;
  }

  /** The first SQL error in {@code failure}'s chain that passes {@code test}, or null. */
  static SQLException firstInChain(Throwable failure, Predicate<SQLException> test) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return walk(failure, test, seen);
  }

  private static SQLException walk(Throwable failure, Predicate<SQLException> test,
      Set<Throwable> seen) {
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLException) {
        SQLException sql = (SQLException) t;
        if (test.test(sql)) {
          return sql;
        }
        SQLException next = sql.getNextException();
        SQLException found = next == null ? null : walk(next, test, seen);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
