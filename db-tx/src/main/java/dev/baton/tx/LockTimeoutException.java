package dev.baton.tx;

import java.time.Duration;

/**
 * A row lock was not granted within its lock timeout (PostgreSQL 55P03, MySQL/MariaDB 1205, H2
 * 50200). The cause is the driver's exception. Unchecked.
 *
 * <p>Like any exception, safe to pass between threads once thrown.
 */
public class LockTimeoutException extends TransactionException {
  private static final long serialVersionUID = 1L;
  /** The lock timeout that ran out. */
  private final Duration lockTimeout;

  /**
   * Creates the exception.
   *
   * @param message what was waited for, with the SQLState and error code
   * @param lockTimeout the lock timeout that ran out
   * @param cause the driver's exception
   */
  public LockTimeoutException(String message, Duration lockTimeout, Throwable cause) {
    super(message, cause);
    this.lockTimeout = lockTimeout;
  }

  /** {@return the lock timeout that ran out} */
  public Duration lockTimeout() {
    return lockTimeout;
  }
}
