package dev.baton.tx;

import java.sql.SQLException;
import java.time.Duration;

/**
 * A lock was not granted within a lock timeout: a row lock of
 * {@link RowLocks#selectForUpdate}, or any statement of a transaction whose {@link Transactor}
 * sets {@link Transactor.Builder#lockTimeout}. The same exception on every database, carrying
 * the driver's SQLState and error code: PostgreSQL {@code 55P03}, MariaDB/MySQL error 1205
 * (SQLState {@code HY000}; some drivers report {@code 40001}), H2 error 50200 (SQLState
 * {@code HYT00}). The cause is the driver's exception. Unchecked.
 *
 * <p>Like any exception, safe to pass between threads once thrown.
 */
public class LockTimeoutException extends TransactionException {
  private static final long serialVersionUID = 1L;
  /** The lock timeout that ran out. */
  private final Duration lockTimeout;
  /** The driver's SQLState, or null if it gave none. */
  private final String sqlState;
  /** The driver's vendor error code. */
  private final int errorCode;

  /**
   * Creates the exception; the SQLState and error code are taken from {@code cause} if it is an
   * {@link SQLException}.
   *
   * @param message what was waited for, with the SQLState and error code
   * @param lockTimeout the lock timeout that ran out
   * @param cause the driver's exception
   */
  public LockTimeoutException(String message, Duration lockTimeout, Throwable cause) {
    super(message, cause);
    this.lockTimeout = lockTimeout;
    SQLException sql = cause instanceof SQLException s ? s : null;
    this.sqlState = sql == null ? null : sql.getSQLState();
    this.errorCode = sql == null ? 0 : sql.getErrorCode();
  }

  /** The message every Baton lock timeout starts with. */
  static String message(String what, Duration lockTimeout, SQLException cause) {
    return what + " not granted within " + lockTimeout + " (SQLState " + cause.getSQLState()
        + ", error " + cause.getErrorCode() + ")";
  }

  /** {@return the lock timeout that ran out} */
  public Duration lockTimeout() {
    return lockTimeout;
  }

  /** {@return the driver's SQLState ({@code 55P03}, {@code HY000}, {@code HYT00} ...), or null} */
  public String sqlState() {
    return sqlState;
  }

  /** {@return the driver's vendor error code (1205 on MariaDB/MySQL, 50200 on H2)} */
  public int errorCode() {
    return errorCode;
  }
}
