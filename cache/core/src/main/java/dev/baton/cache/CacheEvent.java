package dev.baton.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * Something a {@link StampedeCache} did for a key.
 *
 * <p>Immutable and thread-safe (the error is shared as it is).
 *
 * @param type what happened
 * @param cache the cache's name
 * @param key the key, as the store sees it (after the key codec); for the {@code BREAKER_}
 *     events the tier, {@code store} or {@code locks}
 * @param duration how long it took, where that is meaningful (a load, a lock wait); else zero
 * @param error the failure, for {@link Type#LOAD_FAILURE}, {@link Type#FALLBACK} (for a call an
 *     open breaker skipped, an exception saying so) and {@link Type#STALE_SERVED} at the load
 *     failure ({@code null} when the stale copy kept in the local tier is served); else
 *     {@code null}
 */
public record CacheEvent(Type type, String cache, String key, Duration duration, Throwable error) {

  /**
   * Checks that every field but {@code error} is present.
   *
   * @param type what happened
   * @param cache the cache's name
   * @param key the key, as the store sees it (after the key codec)
   * @param duration how long it took, where that is meaningful; else zero
   * @param error the failure behind the event, or {@code null}
   * @throws NullPointerException if {@code type}, {@code cache}, {@code key} or
   *     {@code duration} is null
   */
  public CacheEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(duration, "duration");
  }

  /** The kinds of event. Immutable and thread-safe, as every enum. */
  public enum Type {
    /** A fresh value was found in this instance's local tier. */
    HIT_LOCAL,
    /** A fresh value was found in the shared store. */
    HIT_STORE,
    /** Nothing fresh in the local tier: the caller went on to the store or a load. */
    MISS,
    /** The loader returned a value (or an absence); {@code duration} is its run time. */
    LOAD,
    /** The loader threw or timed out. */
    LOAD_FAILURE,
    /** The key's lock was held elsewhere; this instance waited for it. */
    LOCK_WAIT,
    /** The lock was not had within the lock wait; the load went on without it. */
    LOCK_TIMEOUT,
    /** The store or the lock store failed; the cache carried on without it. */
    FALLBACK,
    /** The loader failed and a stale value, inside the stale-if-error window, was returned. */
    STALE_SERVED,
    /** A read close to expiry started a background refresh. */
    EARLY_REFRESH,
    /**
     * A tier's circuit breaker opened after repeated failures (or a failed start-up ping): its
     * calls are skipped for a while. {@code key} names the tier: {@code store} or {@code locks}.
     */
    BREAKER_OPEN,
    /** A tier's breaker lets probe calls through; {@code key} names the tier. */
    BREAKER_HALF_OPEN,
    /** A tier's probes succeeded and its breaker closed; {@code key} names the tier. */
    BREAKER_CLOSED
  }
}
