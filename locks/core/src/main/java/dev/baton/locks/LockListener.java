package dev.baton.locks;

/**
 * Receives {@link LockEvent}s, e.g. to count acquisitions, waits and losses. Called
 * synchronously on the thread where the event happened, so it must be quick and must not block;
 * an exception it throws is logged and otherwise ignored.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface LockListener {

  /**
   * Receives one event, on the thread where it happened.
   *
   * @param event what happened; never null
   */
  void onEvent(LockEvent event);
}
