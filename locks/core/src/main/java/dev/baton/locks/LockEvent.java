package dev.baton.locks;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that happened to a lock name, reported to {@link LockListener}s for metrics and
 * logs.
 *
 * @param type what happened
 * @param name the lock name
 * @param store which store, as in {@link Lease#store()}
 * @param fencingToken the token of the lease involved, or 0 where no lease is (denied, store
 *     down, waited without success)
 * @param waited how long the caller waited; {@link Duration#ZERO} where it did not wait
 * @param cause the failure behind a {@link Type#STORE_DOWN} or {@link Type#LOST} event, or
 *     null
 *
 * <p>Immutable and thread-safe (the {@code cause}, if any, is shared as is).
 */
public record LockEvent(
    Type type, String name, String store, long fencingToken, Duration waited, Throwable cause) {

  /** The kinds of event. Thread-safe, as every enum. */
  public enum Type {
    /** A lease was granted. */
    ACQUIRED,
    /** An acquisition ended without a lease: the name stayed taken. */
    DENIED,
    /** An acquisition had to wait; {@link LockEvent#waited()} says how long. */
    WAITED,
    /** A lease was released by its holder. */
    RELEASED,
    /** A lease was lost before release: taken away, gone at the store, or run out. */
    LOST,
    /** The store could not be reached. */
    STORE_DOWN
  }

  /**
   * Creates an event, checking that the required components are there.
   *
   * @param type what happened; not null
   * @param name the lock name; not null
   * @param store which store; not null
   * @param fencingToken the token of the lease involved, or 0
   * @param waited how long the caller waited; not null
   * @param cause the failure behind the event, or null
   * @throws NullPointerException if {@code type}, {@code name}, {@code store} or {@code waited}
   *     is null
   */
  public LockEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(waited, "waited");
  }
}
