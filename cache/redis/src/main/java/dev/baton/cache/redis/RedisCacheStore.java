package dev.baton.cache.redis;

import dev.baton.cache.CacheStore;
import dev.baton.locks.redis.RedisClients;
import dev.baton.locks.spi.LockArguments;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The Redis store of a {@code StampedeCache}: one string key per entry, written with
 * {@code SET … PX} so Redis drops it after its TTL (plus the stale-if-error window), and one
 * pub/sub channel per cache for invalidations.
 *
 * <pre>{@code
 * try (RedisCacheStore store = RedisCacheStore.create("redis://app:secret@redis.internal:6379")) {
 *   StampedeCache<String, Photo> photos = StampedeCache.<String, Photo>builder("photos")
 *       .ttl(Duration.ofMinutes(10))
 *       .store(store, JacksonCodec.of(Photo.class))
 *       .build();
 * }
 * }</pre>
 *
 * <p>Keys are {@code PREFIX + cache + ":k:" + key} (prefix {@code "baton:cache:"} by default),
 * each load's lease {@code PREFIX + cache + ":l:" + key}, the channel
 * {@code PREFIX + cache + ":invalidate"}. A load writes its entry with one Lua script that checks
 * the lease it took before it read its source; {@code delete} removes entry and lease in one
 * {@code DEL}, so an invalidation is never undone by a load that began before it. Every call is bounded by the client's
 * timeout; failures are thrown as Jedis exceptions, which the cache logs and counts as
 * fallbacks. The module's README has the format and the failure behaviour.
 *
 * <p>Thread-safe. One store may serve many caches.
 */
public final class RedisCacheStore implements CacheStore {
  /**
   * The lease: the key's lease token if it has one, else the caller's random candidate, recorded
   * with a TTL. KEYS[1] lease key; ARGV[1] candidate, ARGV[2] lease time in ms.
   */
  private static final byte[] LEASE = bytes("""
      local current = redis.call('GET', KEYS[1])
      if current then return current end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return ARGV[1]""");
  /**
   * The conditional write of a load: writes the entry only while the load's lease is the key's
   * lease, in one step, so an invalidation (which deletes the lease) between the load's start
   * and its write makes the write a no-op. KEYS[1] entry, KEYS[2] lease; ARGV[1] entry bytes,
   * ARGV[2] lease token, ARGV[3] TTL in ms. Returns 1 if written, 0 if not.
   */
  private static final byte[] PUT_IF_LEASED = bytes("""
      if redis.call('GET', KEYS[2]) == ARGV[2] then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        return 1
      end
      return 0""");
  /**
   * An unconditional write ({@code StampedeCache.put}) that ends the key's lease in the same
   * step: no load that began before it can overwrite it. KEYS[1] entry, KEYS[2] lease; ARGV[1]
   * entry bytes, ARGV[2] TTL in ms.
   */
  private static final byte[] PUT = bytes("""
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      redis.call('DEL', KEYS[2])
      return 1""");

  private final UnifiedJedis jedis;
  private final boolean ownsClient;
  private final String prefix;

  private RedisCacheStore(UnifiedJedis jedis, boolean ownsClient, String prefix) {
    this.jedis = jedis;
    this.ownsClient = ownsClient;
    this.prefix = prefix;
  }

  /**
   * A store on the Redis at {@code uri}, with default settings: {@code redis://host:port}, or
   * {@code rediss://} for TLS (the JVM's trust store), with optional {@code user:password@}
   * (ACL) or {@code :password@} (requirepass) and a database number as the path.
   *
   * @param uri the Redis URI
   * @return the store, which owns (and closes) its client; it does not connect yet
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static RedisCacheStore create(String uri) {
    return builder(uri).build();
  }

  /**
   * A builder for a store that creates, and closes, its own client for {@code uri}.
   *
   * @param uri the Redis URI, of the form {@link #create(String)} takes
   * @return the builder
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static Builder builder(String uri) {
    return new Builder(RedisClients.parse(uri), null);
  }

  /**
   * A builder for a store on an existing client (pooled or Sentinel; any {@link UnifiedJedis}
   * whose connections can subscribe). The caller keeps ownership and the client's timeouts
   * apply; each subscription holds one of its connections.
   *
   * @param client the client; the store does not close it
   * @return the builder
   */
  public static Builder builder(UnifiedJedis client) {
    return new Builder(null, Objects.requireNonNull(client, "client must not be null"));
  }

  @Override
  public Optional<byte[]> get(String namespace, String key) {
    return Optional.ofNullable(call(() -> jedis.get(entryKey(namespace, key))));
  }

  @Override
  public void put(String namespace, String key, byte[] entry, Duration ttl) {
    byte[] millis = millis(ttl);
    call(() -> jedis.eval(PUT, List.of(entryKey(namespace, key), leaseKey(namespace, key)),
        List.of(entry, millis)));
  }

  @Override
  public String lease(String namespace, String key, String candidate, Duration leaseTime) {
    Object token = call(() -> jedis.eval(LEASE, List.of(leaseKey(namespace, key)),
        List.of(bytes(candidate), millis(leaseTime))));
    return new String((byte[]) token, StandardCharsets.UTF_8);
  }

  @Override
  public boolean putIfLeased(String namespace, String key, byte[] entry, Duration ttl,
      String lease) {
    Object written = call(() -> jedis.eval(PUT_IF_LEASED,
        List.of(entryKey(namespace, key), leaseKey(namespace, key)),
        List.of(entry, bytes(lease), millis(ttl))));
    return Long.valueOf(1).equals(written);
  }

  /** One {@code DEL} of the entry and its lease: atomic without a script. */
  @Override
  public void delete(String namespace, String key) {
    call(() -> jedis.del(entryKey(namespace, key), leaseKey(namespace, key)));
  }

  @Override
  public void ping() {
    call(jedis::ping);
  }

  @Override
  public void publish(String namespace, String message) {
    call(() -> jedis.publish(channel(namespace), message));
  }

  @Override
  public Subscription subscribe(String namespace, Subscriber subscriber) {
    return InvalidationSubscription.start(jedis, channel(namespace), subscriber);
  }

  @Override
  public void close() {
    if (ownsClient) {
      jedis.close();
    }
  }

  byte[] entryKey(String namespace, String key) {
    return (prefix + namespace + ":k:" + key).getBytes(StandardCharsets.UTF_8);
  }

  byte[] leaseKey(String namespace, String key) {
    return bytes(prefix + namespace + ":l:" + key);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] millis(Duration ttl) {
    return bytes(Long.toString(Math.max(1, ttl.toMillis())));
  }

  String channel(String namespace) {
    return prefix + namespace + ":invalidate";
  }

  /**
   * A broken connection (Redis restarted, a proxy dropped it) is retried once on a fresh one,
   * after dropping the pool's idle connections when this store owns the pool; every call here
   * is safe to repeat. A timeout is not retried: the server is stalled.
   */
  private <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (JedisConnectionException broken) {
      if (broken.getCause() instanceof SocketTimeoutException) {
        throw broken;
      }
      if (jedis instanceof RedisClient owned && ownsClient) {
        owned.getPool().clear();
      }
      try {
        return call.get();
      } catch (RuntimeException e) {
        e.addSuppressed(broken);
        throw e;
      }
    }
  }

  @Override
  public String toString() {
    return "RedisCacheStore[prefix " + prefix + "]";
  }

  /** Configures a {@link RedisCacheStore}. Not thread-safe. */
  public static final class Builder {
    private final URI uri;
    private final UnifiedJedis client;
    private String keyPrefix = "baton:cache:";
    private Duration timeout = Duration.ofSeconds(1);
    private int maxConnections = 16;
    private SSLContext tls;

    private Builder(URI uri, UnifiedJedis client) {
      this.uri = uri;
      this.client = client;
    }

    /**
     * The prefix of every key and channel; by default {@code "baton:cache:"}.
     *
     * @param keyPrefix the prefix, put before the cache's name and the key
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
      return this;
    }

    /**
     * Connect, command and pool-borrow timeout of the client this store creates; by default 1
     * second. A read from a stalled Redis gives up after about this long and the cache falls
     * back to its loader. Not used with {@link #builder(UnifiedJedis)}.
     *
     * @param timeout the timeout; positive and below 24 days
     * @return this builder
     * @throws IllegalArgumentException if it is not positive or too long
     */
    public Builder timeout(Duration timeout) {
      this.timeout = LockArguments.checkTimeout("timeout", timeout);
      return this;
    }

    /**
     * The most connections the created client opens (one per subscribed cache); by default 16.
     * Not used with {@link #builder(UnifiedJedis)}.
     *
     * @param maxConnections the pool's size; at least 2
     * @return this builder
     * @throws IllegalArgumentException if it is less than 2
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = RedisClients.checkMaxConnections(maxConnections);
      return this;
    }

    /**
     * Speaks TLS with the certificates this context trusts (and presents), instead of the JVM's
     * default trust store. Implies TLS even for a {@code redis://} URI. Host names are verified.
     * Not used with {@link #builder(UnifiedJedis)}.
     *
     * @param context the TLS context
     * @return this builder
     */
    public Builder tls(SSLContext context) {
      this.tls = Objects.requireNonNull(context, "context must not be null");
      return this;
    }

    /**
     * Builds the store; it does not connect yet.
     *
     * @return the store
     */
    public RedisCacheStore build() {
      if (client != null) {
        return new RedisCacheStore(client, false, keyPrefix);
      }
      return new RedisCacheStore(createClient(), true, keyPrefix);
    }

    private UnifiedJedis createClient() {
      return RedisClients.create(uri, timeout, maxConnections, tls, "baton-cache");
    }
  }
}
