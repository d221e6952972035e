package dev.baton.cache;

import dev.baton.cache.CacheEvent.Type;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's view of its {@link CacheStore}: encodes and decodes entries, and turns every store
 * failure into a logged, counted fallback, so none reaches a caller. Thread-safe.
 */
final class SharedTier<V> {
  private static final Logger log = LoggerFactory.getLogger(SharedTier.class);

  private final String namespace;
  private final CacheStore store;
  private final CacheCodec<V> codec;
  private final Timing timing;
  private final StatsRecorder stats;

  SharedTier(String namespace, CacheStore store, CacheCodec<V> codec, Timing timing,
      StatsRecorder stats) {
    this.namespace = namespace;
    this.store = store;
    this.codec = codec;
    this.timing = timing;
    this.stats = stats;
  }

  /** The entry under {@code key}, fresh or not, or empty if none (or the store failed). */
  Optional<LocalEntry<V>> read(String key) {
    byte[] bytes;
    try {
      bytes = store.get(namespace, key).orElse(null);
    } catch (RuntimeException e) {
      fallback("read", key, e);
      return Optional.empty();
    }
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      StoredEntry stored = StoredEntry.fromBytes(bytes);
      V value = stored.absent() ? null : codec.decode(stored.value());
      return Optional.of(timing.local(value, stored.expiresAtMillis(), stored.loadNanos()));
    } catch (RuntimeException e) {
      log.warn("Cache {}: entry of {} in the store cannot be read; treating it as missing: {}",
          namespace, key, e.toString());
      return Optional.empty();
    }
  }

  /** Stores {@code entry}; the store keeps it for {@code keep} (its TTL plus the stale window). */
  void write(String key, LocalEntry<V> entry, Duration keep) {
    try {
      byte[] value = entry.value() == null ? null : codec.encode(entry.value());
      byte[] bytes = new StoredEntry(value, entry.expiresAtMillis(), entry.loadNanos()).toBytes();
      store.put(namespace, key, bytes, keep);
    } catch (RuntimeException e) {
      fallback("write", key, e);
    }
  }

  void delete(String key) {
    try {
      store.delete(namespace, key);
    } catch (RuntimeException e) {
      fallback("delete", key, e);
    }
  }

  void publish(String key, String message) {
    try {
      store.publish(namespace, message);
    } catch (RuntimeException e) {
      fallback("publish the invalidation of", key, e);
    }
  }

  CacheStore.Subscription subscribe(CacheStore.Subscriber subscriber) {
    return store.subscribe(namespace, subscriber);
  }

  private void fallback(String action, String key, RuntimeException e) {
    log.warn("Cache {}: store failed to {} {}; carrying on without it: {}", namespace, action, key,
        e.toString());
    stats.record(Type.FALLBACK, key, Duration.ZERO, e);
  }
}
