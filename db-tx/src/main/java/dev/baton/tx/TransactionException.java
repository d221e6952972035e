package dev.baton.tx;

/**
 * The root of Baton's transaction exceptions. Unchecked. Thrown where Baton itself fails (no
 * connection, a failed commit, a rejected nested call), never in place of the exception of the
 * caller's work, which is always rethrown as it is.
 *
 * <p>Like any exception, safe to pass between threads once thrown; not meant to be mutated
 * concurrently.
 */
public class TransactionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception without a cause.
   *
   * @param message what failed
   */
  public TransactionException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause, usually the driver's {@code SQLException}.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public TransactionException(String message, Throwable cause) {
    super(message, cause);
  }
}
