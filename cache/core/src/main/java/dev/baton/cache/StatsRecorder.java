package dev.baton.cache;

import dev.baton.cache.CacheEvent.Type;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts a cache's events and hands them to its listeners. Thread-safe. */
final class StatsRecorder {
  private static final Logger log = LoggerFactory.getLogger(StatsRecorder.class);

  private final String cache;
  private final List<CacheListener> listeners;
  private final Map<Type, LongAdder> counters = new EnumMap<>(Type.class);
  private final LongAdder unlockedLoads = new LongAdder();
  private final LongAdder localHits;

  StatsRecorder(String cache, List<CacheListener> listeners) {
    this.cache = cache;
    this.listeners = List.copyOf(listeners);
    for (Type type : Type.values()) {
      counters.put(type, new LongAdder());
    }
    this.localHits = counters.get(Type.HIT_LOCAL);
  }

  /** The hot path of a hit: one counter, and an event only if someone listens. */
  void localHit(String key) {
    localHits.increment();
    if (!listeners.isEmpty()) {
      publish(new CacheEvent(Type.HIT_LOCAL, cache, key, Duration.ZERO, null));
    }
  }

  void record(Type type, String key) {
    record(type, key, Duration.ZERO, null);
  }

  void record(Type type, String key, Duration duration, Throwable error) {
    counters.get(type).increment();
    if (!listeners.isEmpty()) {
      publish(new CacheEvent(type, cache, key, duration, error));
    }
  }

  void unlockedLoad() {
    unlockedLoads.increment();
  }

  private void publish(CacheEvent event) {
    for (CacheListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("Cache listener {} failed on {} of {} in cache {}", listener, event.type(),
            event.key(), cache, e);
      }
    }
  }

  CacheStats snapshot(long localSize, long localWeight, long localEvictions) {
    return new CacheStats(
        count(Type.HIT_LOCAL), count(Type.HIT_STORE), count(Type.MISS), count(Type.LOAD),
        count(Type.LOAD_FAILURE), count(Type.LOCK_WAIT), count(Type.LOCK_TIMEOUT),
        unlockedLoads.sum(), count(Type.FALLBACK), count(Type.STALE_SERVED),
        count(Type.EARLY_REFRESH), count(Type.BREAKER_OPEN), localSize, localWeight,
        localEvictions);
  }

  private long count(Type type) {
    return counters.get(type).sum();
  }
}
