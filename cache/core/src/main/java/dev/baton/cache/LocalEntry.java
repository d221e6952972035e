package dev.baton.cache;

/**
 * A value as this instance holds it in its local tier, with its deadlines on the local ticker.
 * Immutable.
 *
 * @param value the value, {@code null} for an absence (negative entry)
 * @param expiresAtMillis the entry's expiry on the wall clock, as in the store
 * @param expiresAtNanos the same expiry on the local ticker (XFetch compares with this)
 * @param freshUntilNanos until when a read may return it (the expiry, or sooner with a local TTL;
 *     for a stale copy kept after a load failure, until the loader is tried again)
 * @param staleUntilNanos until when it may be served if the loader fails
 * @param loadNanos how long the load that produced it took (XFetch's delta)
 * @param stale whether this is an expired value kept after a load failure (stale-if-error):
 *     served as {@code STALE_SERVED}, never refreshed early, never returned by getIfPresent
 */
record LocalEntry<V>(
    V value,
    long expiresAtMillis,
    long expiresAtNanos,
    long freshUntilNanos,
    long staleUntilNanos,
    long loadNanos,
    boolean stale) {

  boolean isFresh(long now) {
    return now - freshUntilNanos < 0;
  }

  boolean isServableStale(long now) {
    return now - staleUntilNanos < 0;
  }

  /**
   * This expired value, kept after a failed load so that reads until {@code retryAtNanos} (at
   * the latest until the stale window closes) get it from the local tier without a load.
   */
  LocalEntry<V> keptStale(long retryAtNanos) {
    long until = retryAtNanos - staleUntilNanos < 0 ? retryAtNanos : staleUntilNanos;
    return new LocalEntry<>(value, expiresAtMillis, expiresAtNanos, until, staleUntilNanos,
        loadNanos, true);
  }
}
