package dev.baton.cache;

/**
 * A value as this instance holds it in its local tier, with its deadlines on the local ticker.
 * Immutable.
 *
 * @param value the value, {@code null} for an absence (negative entry)
 * @param expiresAtMillis the entry's expiry on the wall clock, as in the store
 * @param expiresAtNanos the same expiry on the local ticker (XFetch compares with this)
 * @param freshUntilNanos until when a read may return it (the expiry, or sooner with a local TTL)
 * @param staleUntilNanos until when it may be served if the loader fails
 * @param loadNanos how long the load that produced it took (XFetch's delta)
 */
record LocalEntry<V>(
    V value,
    long expiresAtMillis,
    long expiresAtNanos,
    long freshUntilNanos,
    long staleUntilNanos,
    long loadNanos) {

  boolean isFresh(long now) {
    return now - freshUntilNanos < 0;
  }

  boolean isServableStale(long now) {
    return now - staleUntilNanos < 0;
  }
}
