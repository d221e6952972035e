package dev.baton.tx;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that happened to a transaction, reported to {@link TxListener}s for metrics and
 * logs. Only outermost transactions report events; nested calls do not.
 *
 * <p>Immutable and thread-safe (the cause is shared as it is).
 *
 * @param type what happened
 * @param attempt which attempt, from 1
 * @param held how long the connection was held (for {@link Type#RETRYING}: the time since
 *     the first attempt started)
 * @param cause the failure behind a {@link Type#ROLLED_BACK} or {@link Type#RETRYING} event, or
 *     null
 */
public record TxEvent(Type type, int attempt, Duration held, Throwable cause) {

  /** The kinds of event. Immutable and thread-safe, as every enum. */
  public enum Type {
    /** The transaction committed. */
    COMMITTED,
    /** The transaction was rolled back. */
    ROLLED_BACK,
    /** The attempt failed with a retryable failure; another attempt follows after a backoff. */
    RETRYING,
    /**
     * The transaction has held its connection longer than the configured threshold: reported
     * once, when the threshold passes and the transaction is still open ({@code held} is the
     * time so far), from the watchdog thread.
     */
    HELD_TOO_LONG
  }

  /**
   * Checks the type and duration are present.
   *
   * @param type what happened
   * @param attempt which attempt, from 1
   * @param held how long the connection was held (for {@link Type#RETRYING}: the time since
   *     the first attempt started)
   * @param cause the failure behind a {@link Type#ROLLED_BACK} or {@link Type#RETRYING} event, or
   *     null
   *
   * @throws NullPointerException if {@code type} or {@code held} is null
   */
  public TxEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(held, "held");
  }
}
