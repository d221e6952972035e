package dev.baton.cache;

/**
 * The state of a cache's shared tiers, for an application's health endpoint:
 * {@link StampedeCache#health()}. A cache with a tier {@link State#DOWN} still answers (from its
 * local tier and the loader); the tier it cannot use only costs it protection.
 *
 * <p>Immutable and thread-safe.
 *
 * @param store the shared store: pinged, and its breaker
 * @param locks the lock store: its breaker (a lock provider has no ping)
 */
public record CacheHealth(State store, State locks) {

  /** {@return whether no configured tier is down or being probed} */
  public boolean isUp() {
    return (store == State.UP || store == State.NONE) && (locks == State.UP || locks == State.NONE);
  }

  /** The state of one tier. Immutable and thread-safe, as every enum. */
  public enum State {
    /** The tier answers and its breaker is closed: the cache uses it. */
    UP,
    /** The tier failed its ping, or its breaker is open: the cache carries on without it. */
    DOWN,
    /** The breaker lets probe calls through to see whether the tier is back. */
    PROBING,
    /** The cache has no such tier (no store, or no lock provider). */
    NONE
  }
}
