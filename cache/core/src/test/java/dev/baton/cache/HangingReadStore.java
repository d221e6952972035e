package dev.baton.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * Failure injection: a {@link LocalCacheStore} whose reads run {@code onRead} first (e.g. hang).
 * Everything else is the real in-JVM store.
 */
final class HangingReadStore implements CacheStore {
  private final LocalCacheStore store = new LocalCacheStore();
  private final Runnable onRead;

  HangingReadStore(Runnable onRead) {
    this.onRead = onRead;
  }

  @Override
  public Optional<byte[]> get(String namespace, String key) {
    onRead.run();
    return store.get(namespace, key);
  }

  @Override
  public void put(String namespace, String key, byte[] entry, Duration ttl) {
    store.put(namespace, key, entry, ttl);
  }

  @Override
  public String lease(String namespace, String key, String candidate, Duration leaseTime) {
    return store.lease(namespace, key, candidate, leaseTime);
  }

  @Override
  public boolean putIfLeased(String namespace, String key, byte[] entry, Duration ttl,
      String lease) {
    return store.putIfLeased(namespace, key, entry, ttl, lease);
  }

  @Override
  public void delete(String namespace, String key) {
    store.delete(namespace, key);
  }

  @Override
  public void ping() {
    store.ping();
  }

  @Override
  public void publish(String namespace, String message) {
    store.publish(namespace, message);
  }

  @Override
  public Subscription subscribe(String namespace, Subscriber subscriber) {
    return store.subscribe(namespace, subscriber);
  }

  @Override
  public void close() {
    store.close();
  }
}
