package dev.baton.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;

/**
 * The local tier of a cache: a Caffeine cache bounded by entries or by weight, plus a version
 * per key stripe that every invalidation of a key bumps. A load (or a store read) notes the
 * version before it starts and writes its result only if the version has not moved, in one
 * atomic step with the write, so an invalidation that happened meanwhile is never undone.
 * Thread-safe.
 */
final class LocalTier<V> {
  /** Keys share a version with the keys of their stripe: a bump may cost another key a write. */
  private static final int STRIPES = 4096;

  private final Cache<String, LocalEntry<V>> cache;
  private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
  private final LongAdder evictions = new LongAdder();
  private final boolean weighed;

  /**
   * @param maximumSize the most entries, or 0 when {@code weigher} bounds the tier
   * @param maximumWeight the largest total weight, used with {@code weigher}
   * @param weigher the weight of a value (e.g. its size in bytes), or null
   */
  LocalTier(long maximumSize, long maximumWeight, ToIntFunction<? super V> weigher) {
    // No expiry in Caffeine: each entry's freshness (and stale window) is checked on read with
    // one clock reading, and a miss overwrites the entry. Caffeine's own expiry would read the
    // clock a second time on every hit (CacheHitBenchmark); the size or weight bound alone
    // limits what expired entries can hold on to.
    Caffeine<Object, Object> builder = Caffeine.newBuilder();
    if (weigher != null) {
      builder.maximumWeight(maximumWeight);
    } else {
      builder.maximumSize(maximumSize);
    }
    Caffeine<String, LocalEntry<V>> typed = builder.evictionListener(
        (String key, LocalEntry<V> entry, RemovalCause cause) -> {
          if (cause.wasEvicted()) {
            evictions.increment();
          }
        });
    if (weigher != null) {
      // an absence weighs 1; a negative weight from the weigher counts as 0
      typed = typed.weigher((String key, LocalEntry<V> entry) ->
          entry.value() == null ? 1 : Math.max(0, weigher.applyAsInt(entry.value())));
    }
    this.weighed = weigher != null;
    this.cache = typed.build();
  }

  LocalEntry<V> get(String key) {
    return cache.getIfPresent(key);
  }

  /** {@return the version of the key's stripe, to pass to {@link #putIfCurrent} later} */
  long version(String key) {
    return versions.get(stripe(key));
  }

  /** Writes {@code entry} unless the key was invalidated since {@code version} was read. */
  boolean putIfCurrent(String key, LocalEntry<V> entry, long version) {
    int stripe = stripe(key);
    boolean[] written = new boolean[1];
    // compute runs under the key's map lock, as invalidate's removal does: the check and the
    // write cannot straddle an invalidation (which bumps first, then removes).
    cache.asMap().compute(key, (k, old) -> {
      if (versions.get(stripe) != version) {
        return old;
      }
      written[0] = true;
      return entry;
    });
    return written[0];
  }

  /** A write that itself supersedes every load in flight ({@code StampedeCache.put}). */
  void putNewer(String key, LocalEntry<V> entry) {
    versions.incrementAndGet(stripe(key));
    cache.put(key, entry);
  }

  void invalidate(String key) {
    versions.incrementAndGet(stripe(key)); // first: a load checking after this writes nothing
    cache.invalidate(key);
  }

  void invalidateAll() {
    for (int i = 0; i < STRIPES; i++) {
      versions.incrementAndGet(i);
    }
    cache.invalidateAll();
  }

  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  long weight() {
    if (!weighed) {
      return 0;
    }
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  long evictions() {
    return evictions.sum();
  }

  private static int stripe(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
