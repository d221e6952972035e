package dev.baton.locks.redis;

import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.Ticker;
import dev.baton.locks.spi.AbstractLease;
import dev.baton.locks.spi.AbstractLockProvider;
import dev.baton.locks.spi.LateGrantReleases;
import dev.baton.locks.spi.LockArguments;
import dev.baton.locks.spi.LockProviderBuilder;
import dev.baton.locks.spi.Renewal;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Leases on Redis. Acquisition is one atomic script (SET NX PX of a random owner token, and
 * INCR of the name's fencing counter); extend and release are owner-checked scripts; the keys
 * of a name share a hash tag, so it works on Redis Cluster too. Waiters are woken by a
 * release message on one subscriber connection per provider, and otherwise look again when the
 * holder's lease runs out: no fixed sleep, no connection held per waiter.
 *
 * <pre>{@code
 * try (LockProvider locks = RedisLockProvider.create("redis://app:secret@redis.internal:6379")) {
 *   locks.tryAcquire("daily-report", Duration.ofMinutes(5)).ifPresent(lease -> { ... });
 * }
 * }</pre>
 *
 * <p>What a single Redis can promise, and what the fencing token adds, is in the module's
 * README. Thread-safe.
 */
public final class RedisLockProvider extends AbstractLockProvider {
  /** The most kept-alive leases one renewal script call renews. */
  static final int RENEWAL_BATCH = 256;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(1);

  private final UnifiedJedis jedis;
  private final boolean ownsClient;
  private final RedisKeys keys;
  private final ReleaseSignals signals;
  private final LateGrantReleases lateGrants;

  private RedisLockProvider(Builder builder, UnifiedJedis jedis, boolean ownsClient) {
    super(builder, Ticker.system());
    this.jedis = jedis;
    this.ownsClient = ownsClient;
    this.keys = new RedisKeys(builder.keyPrefix);
    this.signals = new ReleaseSignals(jedis, keys.channel());
    this.lateGrants = new LateGrantReleases(store(), scheduler(), storeCallThreads(), builder.timeout);
  }

  /**
   * A provider on the Redis at {@code uri}, with default settings: {@code redis://host:port}, or
   * {@code rediss://} for TLS (the JVM's trust store), with optional {@code user:password@}
   * (ACL) or {@code :password@} (requirepass) and a database number as the path.
   *
   * @param uri the Redis URI
   * @return a new provider that owns its client; close it when done
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static RedisLockProvider create(String uri) {
    return builder(uri).build();
  }

  /**
   * A builder for a provider that creates, and closes, its own client for {@code uri}.
   *
   * @param uri the Redis URI, as for {@link #create(String)}
   * @return a new builder
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static Builder builder(String uri) {
    return new Builder(RedisClients.parse(uri), null);
  }

  /**
   * A builder for a provider on an existing client: pooled, Sentinel or Cluster (any
   * {@link UnifiedJedis}). The caller keeps ownership: closing the provider does not close the
   * client, and the client's own timeouts apply. The provider keeps one of its connections for
   * the release subscription.
   *
   * @param client the client to use; not null, and left open by {@link #close()}
   * @return a new builder
   */
  public static Builder builder(UnifiedJedis client) {
    return new Builder(null, Objects.requireNonNull(client, "client"));
  }

  @Override
  protected Optional<RedisLease> doTryAcquire(String name, Duration leaseTime, long start) {
    RedisKeys.checkEncodable(name);
    String owner = newOwnerToken();
    long result = acquireScript(name, leaseTime, owner);
    if (result > 0) {
      return Optional.of(new RedisLease(name, result, leaseTime, start, owner));
    }
    return Optional.empty();
  }

  /**
   * Runs the acquire script for {@code owner}. If no answer comes (a timeout, a broken
   * connection), the script may still have run and granted the name to {@code owner}, whom
   * nobody will ever use: that grant is released in the background, owner-checked.
   */
  private long acquireScript(String name, Duration leaseTime, String owner) {
    long sent = System.nanoTime();
    try {
      return call("acquire", name,
          () -> RedisScript.ACQUIRE.run(jedis, keys.both(name), List.of(owner, millis(leaseTime))));
    } catch (LockUnavailableException e) {
      lateGrants.release(name, leaseTime, sent, e.getCause(), () -> releaseScript(name, owner));
      throw e;
    }
  }

  /** The owner-checked release script: true if it freed {@code name} held by {@code owner}. */
  private boolean releaseScript(String name, String owner) {
    return call("release", name, () -> RedisScript.RELEASE.run(
        jedis, List.of(keys.lockKey(name)), List.of(owner, keys.channel(), name))) == 1;
  }

  @Override
  protected Optional<RedisLease> doAwait(String name, Duration leaseTime, long deadline)
      throws InterruptedException {
    RedisKeys.checkEncodable(name);
    ReleaseSignals.Signal signal = signals.join(name);
    try {
      if (!becomeHead(signal, deadline)) {
        return Optional.empty();
      }
      try {
        return waitAsHead(name, leaseTime, deadline, signal);
      } finally {
        signal.lock.lock();
        try {
          signal.headWaiting = false;
          signal.changed.signalAll();
        } finally {
          signal.lock.unlock();
        }
      }
    } finally {
      signals.leave(name, signal);
    }
  }

  /** Queues behind the local waiter that already waits on Redis for this name, if any. */
  private boolean becomeHead(ReleaseSignals.Signal signal, long deadline) throws InterruptedException {
    signal.lock.lock();
    try {
      while (signal.headWaiting) {
        ensureOpenWhileWaiting();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        signal.changed.awaitNanos(left);
      }
      signal.headWaiting = true;
      return true;
    } finally {
      signal.lock.unlock();
    }
  }

  private Optional<RedisLease> waitAsHead(
      String name, Duration leaseTime, long deadline, ReleaseSignals.Signal signal)
      throws InterruptedException {
    long left = deadline - System.nanoTime();
    signals.ensureSubscribed(left < SUBSCRIBE_WAIT.toNanos() ? Duration.ofNanos(Math.max(0, left)) : SUBSCRIBE_WAIT);
    while (true) {
      ensureOpenWhileWaiting();
      long generation;
      signal.lock.lock();
      try {
        generation = signal.generation;
      } finally {
        signal.lock.unlock();
      }
      String owner = newOwnerToken();
      long start = ticker().read();
      long result = acquireScript(name, leaseTime, owner);
      if (result > 0) {
        return Optional.of(new RedisLease(name, result, leaseTime, start, owner));
      }
      left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      // Sleep until a release message (or resubscription) bumps the generation, or until the
      // holder's lease runs out in case its release was never published (it died).
      long untilExpiry = TimeUnit.MILLISECONDS.toNanos(-result) + TimeUnit.MILLISECONDS.toNanos(1);
      long wait = Math.min(left, untilExpiry);
      signal.lock.lock();
      try {
        while (signal.generation == generation && wait > 0 && !isClosed()) {
          wait = signal.changed.awaitNanos(wait);
        }
      } finally {
        signal.lock.unlock();
      }
    }
  }

  private void ensureOpenWhileWaiting() {
    if (isClosed()) {
      throw closedException();
    }
  }

  @Override
  protected void wakeWaiters() {
    signals.close();
  }

  @Override
  protected void doClose() {
    lateGrants.releaseNow();
    if (ownsClient) {
      jedis.close();
    }
  }

  /**
   * Kept-alive leases due together are renewed by one script call, owner-checked key by key:
   * one round trip for up to {@value #RENEWAL_BATCH} renewals.
   */
  @Override
  protected int renewalBatchSize() {
    return RENEWAL_BATCH;
  }

  /**
   * One {@code extend_all} script call per batch (per hash slot on Redis Cluster, where a
   * script may only touch keys of one slot; the names' hash tags differ, so there renewals are
   * mostly one call each). A failed call leaves its renewals unknown: the leases keep their
   * deadlines and the next renewal tries again.
   */
  @Override
  protected void renewAll(List<Renewal> renewals) {
    boolean cluster = jedis instanceof JedisCluster || jedis instanceof RedisClusterClient;
    for (List<Renewal> group : BatchRenewal.bySlot(renewals, keys, cluster)) {
      try {
        BatchRenewal batch = new BatchRenewal(group, keys, lease -> ((RedisLease) lease).owner);
        batch.apply(call("extend", batch.first(),
            () -> RedisScript.EXTEND_ALL.runForEach(jedis, batch.keys(), batch.args())));
      } catch (RuntimeException e) {
        group.forEach(renewal -> renewal.failed(e));
      }
    }
  }

  private final class RedisLease extends AbstractLease {
    private final String owner;

    RedisLease(String name, long token, Duration leaseTime, long start, String owner) {
      super(RedisLockProvider.this, name, token, leaseTime, start);
      this.owner = owner;
    }

    @Override
    protected boolean renew(Duration leaseTime) {
      return call("extend", name(), () -> RedisScript.EXTEND.run(
          jedis, List.of(keys.lockKey(name())), List.of(owner, millis(leaseTime)))) == 1;
    }

    @Override
    protected boolean unlock() {
      return releaseScript(name(), owner);
    }
  }

  private interface RedisCall<T> {
    T run();
  }

  /**
   * Runs one script call. A broken connection (Redis restarted, a proxy dropped it) is retried
   * once on a fresh one, after dropping the pool's idle connections when this provider owns
   * the pool: every script is safe to repeat (acquire is idempotent per owner token, extend
   * and release are owner-checked). A timeout is not retried: the server is stalled, and a
   * second wait would only delay the report.
   */
  private <T> T call(String action, String name, RedisCall<T> call) {
    try {
      return call.run();
    } catch (JedisConnectionException broken) {
      if (isClosed() || broken.getCause() instanceof SocketTimeoutException) {
        throw RedisErrors.translate(action, name, broken);
      }
      if (jedis instanceof RedisClient owned && ownsClient) {
        owned.getPool().clear();
      }
      try {
        return call.run();
      } catch (JedisException e) {
        e.addSuppressed(broken);
        throw RedisErrors.translate(action, name, e);
      }
    } catch (JedisException e) {
      throw RedisErrors.translate(action, name, e);
    }
  }

  /** 128 random bits: an owner token nobody else can guess or reuse. */
  private static String newOwnerToken() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whole milliseconds for PX/PEXPIRE, rounded up so a lease is never shorter than asked. */
  static String millis(Duration leaseTime) {
    long nanos;
    try {
      nanos = leaseTime.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.toString(leaseTime.toMillis());
    }
    return Long.toString((nanos + 999_999) / 1_000_000);
  }

  /** Configures a {@link RedisLockProvider}. Not thread-safe. */
  public static final class Builder extends LockProviderBuilder<Builder> {
    private final URI uri;
    private final UnifiedJedis client;
    private String keyPrefix = "baton:lock:";
    private Duration timeout = Duration.ofSeconds(2);
    private int maxConnections = 16;
    private SSLContext tls;

    private Builder(URI uri, UnifiedJedis client) {
      super("redis");
      this.uri = uri;
      this.client = client;
    }

    /**
     * The prefix of every key and of the release channel; by default {@code "baton:lock:"}.
     * Providers that must exclude each other use the same prefix. It must not contain '{' or
     * '}', which would break the hash tag of the keys.
     *
     * @param keyPrefix the key prefix; not null, may be empty
     * @return this builder
     * @throws IllegalArgumentException if {@code keyPrefix} contains '{' or '}'
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
      if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("keyPrefix must not contain '{' or '}': " + keyPrefix);
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Connect, command and pool-borrow timeout of the client this provider creates; by default
     * 2 seconds. An acquisition against an unreachable or stalled Redis throws
     * {@link LockUnavailableException} after about this long. Not used with
     * {@link #builder(UnifiedJedis)}, whose client brings its own timeouts.
     *
     * @param timeout the timeout; positive and below 24 days
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = LockArguments.checkTimeout("timeout", timeout);
      return this;
    }

    /**
     * The most connections the created client opens (one is kept for the release
     * subscription); by default 16. Waiters do not hold connections. Not used with
     * {@link #builder(UnifiedJedis)}.
     *
     * @param maxConnections the pool size; at least 2
     * @return this builder
     * @throws IllegalArgumentException if {@code maxConnections} is below 2
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = RedisClients.checkMaxConnections(maxConnections);
      return this;
    }

    /**
     * Speaks TLS with the certificates this context trusts (and presents, for client
     * authentication), instead of the JVM's default trust store. Implies TLS even for a
     * {@code redis://} URI. The server's certificate must name the host of the URI: host names
     * are verified. Not used with {@link #builder(UnifiedJedis)}, whose client brings its own.
     *
     * @param context the TLS context; not null
     * @return this builder
     */
    public Builder tls(SSLContext context) {
      this.tls = Objects.requireNonNull(context, "context must not be null");
      return this;
    }

    /**
     * Builds the provider. With a URI it creates its client; it does not connect yet, so an
     * unreachable Redis shows as {@link LockUnavailableException} on the first acquisition.
     *
     * @return a new provider; close it when done
     */
    public RedisLockProvider build() {
      if (client != null) {
        return new RedisLockProvider(this, client, false);
      }
      return new RedisLockProvider(this, createClient(), true);
    }

    private UnifiedJedis createClient() {
      return RedisClients.create(uri, timeout, maxConnections, tls, "baton-locks");
    }
  }

  @Override
  public String toString() {
    return "RedisLockProvider[" + store() + ", prefix " + keys.lockKey("") + "]";
  }

}
