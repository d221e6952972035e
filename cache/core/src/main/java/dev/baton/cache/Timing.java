package dev.baton.cache;

import dev.baton.locks.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of a cache: the wall clock, for expiries shared through the store, and the
 * monotonic ticker, for everything this instance decides alone. Thread-safe.
 */
final class Timing {
  final Ticker ticker;
  final Clock clock;
  private final long localTtlNanos;
  private final long staleNanos;

  Timing(Ticker ticker, Clock clock, long localTtlNanos, long staleNanos) {
    this.ticker = ticker;
    this.clock = clock;
    this.localTtlNanos = localTtlNanos;
    this.staleNanos = staleNanos;
  }

  /** How this instance holds an entry that expires at {@code expiresAtMillis} on the wall clock. */
  <V> LocalEntry<V> local(V value, long expiresAtMillis, long loadNanos) {
    long now = ticker.read();
    long remaining = TimeUnit.MILLISECONDS.toNanos(expiresAtMillis - clock.millis());
    long expiresAt = now + remaining;
    long freshUntil = now + Math.min(remaining, localTtlNanos);
    return new LocalEntry<>(value, expiresAtMillis, expiresAt, freshUntil, expiresAt + staleNanos,
        loadNanos, false);
  }
}
