package dev.baton.cache;

/**
 * Computes the value of a key on a miss. It may throw any exception: an unchecked one reaches
 * the caller as it is, a checked one wrapped in {@link CacheLoadException}. Returning
 * {@code null} means "there is no value for this key": the cache returns {@code null} and, if
 * negative caching is configured, remembers the absence for the negative TTL.
 *
 * <p>Called by at most one thread per key per cache instance at a time, and, with a lock
 * provider, by one instance per key across the fleet. Must be thread-safe across keys.
 *
 * @param <K> the type of the keys
 * @param <V> the type of the loaded values
 */
@FunctionalInterface
public interface CacheLoader<K, V> {

  /**
   * Computes the value of {@code key}.
   *
   * @param key the key that missed
   * @return the value of {@code key}, or {@code null} if it has none
   * @throws Exception any failure: a checked one reaches the caller wrapped in a
   *     {@link CacheLoadException}, an unchecked one as it is (unless a stale value is served)
   */
  V load(K key) throws Exception;
}
