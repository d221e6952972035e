package dev.baton.locks;

/**
 * The root of Baton's lock exceptions. Unchecked; catch it to handle every lock failure at
 * once, or a subclass such as {@link LockUnavailableException} for one kind.
 *
 * <p>Thread-safe once thrown: its message and cause do not change, as with any exception that
 * is not modified after construction (suppressed exceptions and stack traces are the usual
 * {@link Throwable} ones).
 */
public class LockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and no cause.
   *
   * @param message what went wrong, naming the lock or the store where known
   */
  public LockException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the failure behind it.
   *
   * @param message what went wrong, naming the lock or the store where known
   * @param cause the underlying failure, or null
   */
  public LockException(String message, Throwable cause) {
    super(message, cause);
  }
}
