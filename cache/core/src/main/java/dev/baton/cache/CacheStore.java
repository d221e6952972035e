package dev.baton.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * The SPI of a shared store: the second tier of a {@link StampedeCache}, seen by every instance,
 * and the channel that carries invalidations between them. {@code baton-cache-redis} has the
 * Redis implementation ({@code RedisCacheStore}).
 *
 * <p>A store holds opaque entries (bytes the cache produces: value, expiry and load time) under
 * a namespace (the cache's name) and a key; it needs no knowledge of their format. It is a
 * client that several caches may share, so closing a cache does not close its store.
 *
 * <p><b>Errors.</b> Any method may throw an unchecked exception when the store cannot be reached
 * or does not answer in time; implementations must bound every call by a timeout. The cache
 * catches these, logs them, counts them as fallbacks and carries on with its local tier and the
 * loader: a store outage never reaches a caller of {@code get}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface CacheStore extends AutoCloseable {

  /**
   * Reads an entry.
   *
   * @param namespace the cache's name
   * @param key the key, as the cache's key codec made it
   * @return the entry under {@code key}, or empty if there is none (or it expired)
   */
  Optional<byte[]> get(String namespace, String key);

  /**
   * Stores {@code entry} under {@code key}, replacing any entry there, and ends the key's lease
   * (see {@link #lease}) in the same atomic step, so no load that started before this write can
   * overwrite it; the store drops the entry after {@code ttl}. Used by {@code StampedeCache.put}.
   *
   * @param namespace the cache's name
   * @param key the key, as the cache's key codec made it
   * @param entry the opaque bytes the cache produced
   * @param ttl how long the store keeps it; positive
   */
  void put(String namespace, String key, byte[] entry, Duration ttl);

  /**
   * The key's current lease, taken before a load reads its source: an opaque token that
   * {@link #put}, {@link #delete} and the lease's expiry end. If the key has a lease it is
   * returned (two loads of one key may share one); otherwise {@code candidate}, a random token
   * never handed out before, is recorded for {@code leaseTime} and returned.
   *
   * @param namespace the cache's name
   * @param key the key, as the cache's key codec made it
   * @param candidate the token to record if the key has no lease; random and unique
   * @param leaseTime how long the lease lasts at most; positive
   * @return the key's lease token
   */
  String lease(String namespace, String key, String candidate, Duration leaseTime);

  /**
   * Stores {@code entry} under {@code key} only if {@code lease} is still the key's lease, in one
   * atomic step: a load whose key was invalidated (or put, or whose lease expired) since it took
   * the lease writes nothing, so an invalidation is never undone by a load that started before
   * it.
   *
   * @param namespace the cache's name
   * @param key the key, as the cache's key codec made it
   * @param entry the opaque bytes the cache produced
   * @param ttl how long the store keeps it; positive
   * @param lease the token {@link #lease} returned before the load
   * @return whether the entry was written
   */
  boolean putIfLeased(String namespace, String key, byte[] entry, Duration ttl, String lease);

  /**
   * Removes the entry under {@code key}, if any, and ends the key's lease in the same atomic
   * step, so a load that started before it cannot write its (older) value afterwards.
   *
   * @param namespace the cache's name
   * @param key the key, as the cache's key codec made it
   */
  void delete(String namespace, String key);

  /**
   * Checks that the store answers, within its timeout. The cache calls it when it is built (a
   * store found down opens the cache's store breaker at once) and from
   * {@code StampedeCache.health()}.
   *
   * @throws RuntimeException if the store cannot be reached or does not answer in time
   */
  void ping();

  /**
   * Sends {@code message} to every subscriber of {@code namespace}, in every instance. Delivery
   * is best effort: a subscriber that is disconnected at the time misses it.
   *
   * @param namespace the cache's name
   * @param message the message, e.g. an invalidation naming a key
   */
  void publish(String namespace, String message);

  /**
   * Delivers the messages published to {@code namespace} until the returned subscription is
   * closed. If the connection that carries them drops, the store reconnects (with a back-off)
   * and, once subscribed again, calls {@link Subscriber#onReconnect}: messages may have been
   * missed in between.
   *
   * @param namespace the cache's name
   * @param subscriber receives the messages, on the store's subscriber thread
   * @return the subscription; close it to stop the deliveries
   */
  Subscription subscribe(String namespace, Subscriber subscriber);

  /** Frees the store's connections. */
  @Override
  void close();

  /**
   * Receives the messages of one namespace. Called on the store's subscriber thread, not the
   * thread that subscribed, so implementations must be thread-safe.
   */
  interface Subscriber {
    /**
     * Receives one published message.
     *
     * @param message the message as it was published
     */
    void onMessage(String message);

    /** The subscription was down and is up again; messages may have been lost. */
    void onReconnect();
  }

  /**
   * An active subscription; closing it stops the deliveries. Implementations must be
   * thread-safe: it may be closed from any thread while messages are being delivered.
   */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
