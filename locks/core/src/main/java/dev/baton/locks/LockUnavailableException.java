package dev.baton.locks;

/**
 * The lock store could not be reached, or did not answer in time, while acquiring. Thrown
 * promptly (within the provider's configured timeout), never as a hang. Nothing is held when it
 * is thrown.
 *
 * <p>Thread-safe once thrown, as {@link LockException}.
 */
public class LockUnavailableException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and no cause.
   *
   * @param message which store could not be reached, and for which lock name
   */
  public LockUnavailableException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the store failure behind it.
   *
   * @param message which store could not be reached, and for which lock name
   * @param cause the store client's failure (connection, time-out), or null
   */
  public LockUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
