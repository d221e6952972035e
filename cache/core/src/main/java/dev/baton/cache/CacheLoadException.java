package dev.baton.cache;

/**
 * A value could not be loaded: the loader threw a checked exception (its cause), did not finish
 * within the loader timeout, or the caller was interrupted while waiting for it. The root of
 * the cache's exceptions. Unchecked.
 *
 * <p>An unchecked exception thrown by a loader reaches the caller as it is, not wrapped. Every
 * caller coalesced on one load receives the same exception object.
 *
 * <p>Thread-safe to share: its own state is set once at construction, and one instance may be
 * thrown to several threads at once (the coalesced callers). Callers should therefore not
 * mutate it (add suppressed exceptions, set the stack trace) as if it were theirs alone.
 */
public class CacheLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception without a cause (e.g. a loader timeout).
   *
   * @param message what failed, with the cache and key
   */
  public CacheLoadException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause: the loader's checked exception, or the interruption.
   *
   * @param message what failed, with the cache and key
   * @param cause the underlying failure
   */
  public CacheLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
