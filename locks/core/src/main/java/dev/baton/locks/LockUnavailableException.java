package dev.baton.locks;

/**
 * The lock store could not be reached, or did not answer in time, while acquiring. Thrown
 * promptly (within the provider's configured timeout), never as a hang. Nothing is held when it
 * is thrown.
 */
public class LockUnavailableException extends LockException {
  private static final long serialVersionUID = 1L;

  public LockUnavailableException(String message) {
    super(message);
  }

  public LockUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
