package dev.baton.tx;

/**
 * Receives {@link TxEvent}s, e.g. to count commits, retries and long transactions. Called
 * synchronously on the thread that ran the transaction, after its connection was closed, except
 * {@link TxEvent.Type#HELD_TOO_LONG}, which comes from Baton's watchdog thread while the
 * transaction is still open. It must be quick; an exception it throws is logged and otherwise
 * ignored.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TxListener {

  /**
   * Receives one event.
   *
   * @param event what happened
   */
  void onEvent(TxEvent event);
}
