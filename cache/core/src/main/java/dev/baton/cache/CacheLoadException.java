package dev.baton.cache;

/**
 * A value could not be loaded: the loader threw a checked exception (its cause), did not finish
 * within the loader timeout, or the caller was interrupted while waiting for it. The root of
 * the cache's exceptions. Unchecked.
 *
 * <p>An unchecked exception thrown by a loader reaches the caller as it is, not wrapped. Every
 * caller coalesced on one load receives the same exception object.
 */
public class CacheLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CacheLoadException(String message) {
    super(message);
  }

  public CacheLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
