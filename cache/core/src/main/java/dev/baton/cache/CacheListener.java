package dev.baton.cache;

/**
 * Receives the events of a {@link StampedeCache}, e.g. for metrics. Called synchronously on the
 * thread where the event happened (a caller of {@code get}, or a background refresh), so it
 * should return quickly; an exception it throws is logged and ignored.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface CacheListener {
  /**
   * Receives one event.
   *
   * @param event what happened
   */
  void onEvent(CacheEvent event);
}
