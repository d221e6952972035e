package dev.baton.cache;

import dev.baton.cache.CacheEvent.Type;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's view of its {@link CacheStore}: encodes and decodes entries, guards every call with
 * the store's circuit breaker, and turns every store failure (or skipped call) into a logged,
 * counted fallback, so none reaches a caller. Thread-safe.
 */
final class SharedTier<V> {
  private static final Logger log = LoggerFactory.getLogger(SharedTier.class);

  /** The outcome of a conditional write. */
  enum Write {
    WRITTEN,
    /** The lease was gone: the key was invalidated (or put) since the load began. */
    SUPERSEDED,
    /** The store failed or was skipped; nothing is known. */
    FAILED
  }

  private final String namespace;
  private final CacheStore store;
  private final CacheCodec<V> codec;
  private final Timing timing;
  private final StatsRecorder stats;
  private final TierBreaker breaker;

  SharedTier(String namespace, CacheStore store, CacheCodec<V> codec, Timing timing,
      StatsRecorder stats, TierBreaker breaker) {
    this.namespace = namespace;
    this.store = store;
    this.codec = codec;
    this.timing = timing;
    this.stats = stats;
    this.breaker = breaker;
  }

  /** The entry under {@code key}, fresh or not, or empty if none (or the store failed). */
  Optional<LocalEntry<V>> read(String key) {
    byte[] bytes = guarded("read", key, () -> store.get(namespace, key).orElse(null));
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

  /**
   * The key's lease, taken before a load reads its source; null if the store failed (the load
   * then writes nothing to the store).
   */
  String lease(String key, Duration leaseTime) {
    String candidate = UUID.randomUUID().toString();
    return guarded("lease", key, () -> store.lease(namespace, key, candidate, leaseTime));
  }

  /** Stores a loaded entry if {@code lease} still holds; keeps it for {@code keep}. */
  Write writeIfLeased(String key, LocalEntry<V> entry, Duration keep, String lease) {
    byte[] bytes = bytes(key, entry);
    if (bytes == null) {
      return Write.FAILED;
    }
    Boolean written = guarded("write", key,
        () -> store.putIfLeased(namespace, key, bytes, keep, lease));
    if (written == null) {
      return Write.FAILED;
    }
    return written ? Write.WRITTEN : Write.SUPERSEDED;
  }

  /** Stores a put entry unconditionally, ending every lease; keeps it for {@code keep}. */
  void write(String key, LocalEntry<V> entry, Duration keep) {
    byte[] bytes = bytes(key, entry);
    if (bytes == null) {
      return;
    }
    guarded("write", key, () -> {
      store.put(namespace, key, bytes, keep);
      return Boolean.TRUE;
    });
  }

  void delete(String key) {
    guarded("delete", key, () -> {
      store.delete(namespace, key);
      return Boolean.TRUE;
    });
  }

  void publish(String key, String message) {
    guarded("publish the invalidation of", key, () -> {
      store.publish(namespace, message);
      return Boolean.TRUE;
    });
  }

  /** Pings the store, outside the breaker; throws what the store threw. */
  void ping() {
    store.ping();
  }

  CacheStore.Subscription subscribe(CacheStore.Subscriber subscriber) {
    return store.subscribe(namespace, subscriber);
  }

  /** The entry's bytes, or null if the codec failed (logged, counted as a fallback). */
  private byte[] bytes(String key, LocalEntry<V> entry) {
    try {
      byte[] value = entry.value() == null ? null : codec.encode(entry.value());
      return new StoredEntry(value, entry.expiresAtMillis(), entry.loadNanos()).toBytes();
    } catch (RuntimeException e) {
      log.warn("Cache {}: the codec cannot encode the value of {}; not storing it: {}",
          namespace, key, e.toString());
      stats.record(Type.FALLBACK, key, Duration.ZERO, e);
      return null;
    }
  }

  private interface StoreCall<T> {
    T call();
  }

  /** The call's result; null if the breaker skipped it or the store failed (both counted). */
  private <T> T guarded(String action, String key, StoreCall<T> call) {
    if (!breaker.allow()) {
      log.debug("Cache {}: store breaker open; not trying to {} {}", namespace, action, key);
      stats.record(Type.FALLBACK, key, Duration.ZERO, breaker.skipped());
      return null;
    }
    long start = System.nanoTime();
    try {
      T result = call.call();
      breaker.succeeded(start);
      return result;
    } catch (RuntimeException e) {
      breaker.failed(start, e);
      log.warn("Cache {}: store failed to {} {}; carrying on without it: {}", namespace, action,
          key, e.toString());
      stats.record(Type.FALLBACK, key, Duration.ZERO, e);
      return null;
    }
  }
}
