package dev.baton.cache;

import dev.baton.cache.CacheEvent.Type;
import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TTL cache that loads each key once across every instance of a service: a local tier in
 * this JVM, an optional shared {@link CacheStore} (Redis), and per-key locks from any
 * {@link LockProvider}.
 *
 * <pre>{@code
 * StampedeCache<String, Photo> photos = StampedeCache.<String, Photo>builder("photos")
 *     .ttl(Duration.ofMinutes(10))
 *     .ttlJitter(Duration.ofMinutes(1))
 *     .store(RedisCacheStore.create("redis://redis:6379"), JacksonCodec.of(Photo.class))
 *     .locks(RedisLockProvider.create("redis://redis:6379"))
 *     .staleIfError(Duration.ofHours(1))
 *     .build();
 *
 * Photo photo = photos.get(photoId, id -> plantApi.identify(id));
 * }</pre>
 *
 * <p>{@link #get} reads the local tier, and on a miss: coalesces the callers of this JVM so one
 * thread per key goes on; reads the store; takes the key's lock (waiting at most the lock wait);
 * reads the store again; and only then loads, stores the value with its TTL (plus jitter) and
 * releases the lock. If the lock cannot be had in time or its store is down, it reads the store
 * once more and loads without the lock (counted, logged). Hot keys are refreshed in the
 * background shortly before they expire (XFetch). A store outage never reaches the caller, and
 * a circuit breaker per shared tier makes a sick store cost one timeout, not one per request.
 * An {@link #invalidate} wins over every load that started before it, here and in the store.
 * The module's README has the guarantees and the failure behaviour.
 *
 * <p>Thread-safe. Close it to stop its invalidation subscription and its own threads; it does
 * not close the store or the lock provider it was given.
 *
 * @param <K> the type of the keys
 * @param <V> the type of the cached values
 */
public final class StampedeCache<K, V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StampedeCache.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  /** What a coalesced caller waits beyond the loader timeout and the lock wait: store calls. */
  static final Duration WAIT_SLACK = Duration.ofSeconds(5);
  /** The default loader timeout: every load, and so every wait, is bounded. */
  static final Duration DEFAULT_LOADER_TIMEOUT = Duration.ofSeconds(30);
  /** How often, at most, a key served stale after a load failure tries the loader again. */
  static final Duration STALE_RETRY = Duration.ofSeconds(1);

  private final String name;
  private final String instance = UUID.randomUUID().toString();
  private final Function<? super K, String> keyCodec;
  private final Timing timing;
  private final long ttlMillis;
  private final long jitterMillis;
  private final long negativeTtlMillis;
  private final Duration staleIfError;
  private final long staleRetryNanos;
  private final Duration loaderTimeout;
  private final Duration waitBound;
  private final Duration leaseTime;
  private final EarlyRefresh earlyRefresh;
  private final LocalTier<V> local;
  private final SharedTier<V> shared; // null without a store
  private final KeyLocks locks; // null without a lock provider
  private final TierBreaker storeBreaker; // null without a store
  private final TierBreaker locksBreaker; // null without a lock provider
  private final StatsRecorder stats;
  private final CacheThreads threads;
  private final LoaderRunner loaderRunner;
  private final CacheStore.Subscription subscription; // null without a store
  private final ConcurrentHashMap<String, CompletableFuture<LocalEntry<V>>> inFlight =
      new ConcurrentHashMap<>();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

  private StampedeCache(Builder<K, V> b) {
    this.name = b.name;
    this.keyCodec = b.keyCodec;
    this.ttlMillis = b.ttl.toMillis();
    this.jitterMillis = b.ttlJitter.toMillis();
    this.negativeTtlMillis = b.negativeTtl.toMillis();
    this.staleIfError = b.staleIfError;
    this.staleRetryNanos = (b.ttl.compareTo(STALE_RETRY) < 0 ? b.ttl : STALE_RETRY).toNanos();
    this.loaderTimeout = b.loaderTimeout;
    this.waitBound = loaderTimeout.plus(b.locks == null ? Duration.ZERO : b.lockWait)
        .plus(WAIT_SLACK);
    this.leaseTime = loaderTimeout.plus(WAIT_SLACK);
    this.earlyRefresh = new EarlyRefresh(b.earlyRefreshBeta);
    long localTtl = b.localTtl == null ? Long.MAX_VALUE / 4 : b.localTtl.toNanos();
    this.timing = new Timing(b.ticker, b.clock, localTtl, saturatedNanos(b.staleIfError));
    this.stats = new StatsRecorder(name, b.listeners);
    this.local = new LocalTier<>(b.localMaximumSize, b.localMaximumWeight, b.localWeigher);
    this.threads = new CacheThreads(name, b.executor, b.threads);
    this.loaderRunner = new LoaderRunner(name, threads, loaderTimeout);
    if (b.locks != null) {
      this.locksBreaker = new TierBreaker(name, "locks", b.breaker, b.clock, stats);
      this.locks = new KeyLocks(name, b.locks, b.lockLease, b.lockWait, stats, locksBreaker);
    } else {
      this.locksBreaker = null;
      this.locks = null;
    }
    if (b.store != null) {
      this.storeBreaker = new TierBreaker(name, "store", b.breaker, b.clock, stats);
      this.shared = new SharedTier<>(name, b.store, b.codec, timing, stats, storeBreaker);
      checkStore();
      this.subscription = subscribe();
    } else {
      this.storeBreaker = null;
      this.shared = null;
      this.subscription = null;
    }
  }

  /** The start-up ping: a store found down opens its breaker, so requests do not each wait. */
  private void checkStore() {
    try {
      shared.ping();
    } catch (RuntimeException e) {
      log.warn("Cache {}: the store does not answer at start-up; skipping it until a probe "
          + "finds it back: {}", name, e.toString());
      storeBreaker.open();
    }
  }

  /**
   * A builder for a cache named {@code name}: letters, digits, '.', '_' and '-', at most 100
   * characters. Instances that share entries and locks use the same name.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @param name the cache's name, also its namespace in the store and the prefix of its locks
   * @return a builder; only {@link Builder#ttl} must be set before {@link Builder#build}
   * @throws IllegalArgumentException if {@code name} is not of that form
   */
  public static <K, V> Builder<K, V> builder(String name) {
    return new Builder<>(name);
  }

  /**
   * The value of {@code key}: from the local tier, else the store, else {@code loader}, which
   * runs at most once per key at a time in this instance and, with locks, in the whole fleet.
   * The loader runs on the cache's loader threads, bounded by the loader timeout; a caller
   * coalesced behind another caller's load waits at most the loader timeout plus the lock wait
   * plus 5 s, and an interrupt ends its wait at once.
   *
   * @param key the key; not null
   * @param loader computes the value on a miss (callers coalesced on one load share the result
   *     of the one loader that runs)
   * @return the value, or {@code null} if the loader said there is none
   * @throws CacheLoadException if the loader threw a checked exception (as its cause) or timed
   *     out, the loader threads were all busy and their queue full, the wait for another caller's load ran out or was
   *     interrupted (an {@link InterruptedException} as its cause, the interrupt flag kept), and
   *     no stale value could be served; an unchecked exception of the loader is rethrown as it
   *     is. Every caller coalesced on the load gets the same exception object.
   */
  public V get(K key, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    String storeKey = storeKey(key);
    LocalEntry<V> hit = freshLocal(key, storeKey, loader);
    if (hit != null) {
      return hit.value();
    }
    return miss(key, storeKey, loader).value();
  }

  /**
   * {@link #get} on the cache's background threads: a fresh local value completes at once,
   * anything else runs there. The future fails as {@code get} would throw, and fails at once
   * with a {@link CacheLoadException} when the cache's own pool is at its bound (every thread
   * busy and 1,000 tasks waiting) or the given executor
   * rejects the task.
   *
   * @param key the key; not null
   * @param loader computes the value on a miss
   * @return a future of the value (or {@code null} if the loader said there is none)
   */
  public CompletableFuture<V> getAsync(K key, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    String storeKey = storeKey(key);
    LocalEntry<V> hit = freshLocal(key, storeKey, loader);
    if (hit != null) {
      return CompletableFuture.completedFuture(hit.value());
    }
    try {
      return CompletableFuture.supplyAsync(() -> miss(key, storeKey, loader).value(),
          threads.background);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new CacheLoadException("cache " + name
          + " cannot run getAsync of " + storeKey + ": its background threads are all busy "
          + "and their queue is full (or the cache is closed)", e));
    }
  }

  /**
   * The value of {@code key} if this instance or the store holds a fresh one; never loads.
   * Empty also for a key remembered as absent (negative caching), and for a stale value kept
   * after a load failure.
   *
   * @param key the key; not null
   * @return the fresh value, or empty
   */
  public Optional<V> getIfPresent(K key) {
    String storeKey = storeKey(key);
    long now = timing.ticker.read();
    long version = local.version(storeKey);
    LocalEntry<V> entry = local.get(storeKey);
    if (entry != null && !entry.stale() && entry.isFresh(now)) {
      stats.localHit(storeKey);
      return Optional.ofNullable(entry.value());
    }
    stats.record(Type.MISS, storeKey);
    if (shared == null) {
      return Optional.empty();
    }
    Optional<LocalEntry<V>> stored = fromStore(storeKey, version);
    if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
      return Optional.ofNullable(stored.get().value());
    }
    return Optional.empty();
  }

  /**
   * Sets the value of {@code key} here and in the store, with the cache's TTL and jitter, and
   * tells the other instances to drop their local copies. Like {@link #invalidate}, it wins over
   * every load of the key that started before it.
   *
   * @param key the key; not null
   * @param value the value; not null
   */
  public void put(K key, V value) {
    Objects.requireNonNull(value, "value");
    String storeKey = storeKey(key);
    LocalEntry<V> previous = local.get(storeKey);
    long loadNanos = previous == null ? 0 : previous.loadNanos();
    LocalEntry<V> entry = entry(value, loadNanos);
    inFlight.remove(storeKey);
    if (shared != null) {
      shared.write(storeKey, entry, keep(entry));
    }
    local.putNewer(storeKey, entry);
    if (shared != null) {
      shared.publish(storeKey, invalidation(storeKey));
    }
  }

  /**
   * Removes {@code key} here and from the store, and from the other instances' local tiers. A
   * load of the key that started before this call (here or in another instance) writes nothing
   * when it finishes, and callers that come after it do not join such a load: they load anew.
   *
   * @param key the key; not null
   */
  public void invalidate(K key) {
    String storeKey = storeKey(key);
    local.invalidate(storeKey);
    inFlight.remove(storeKey);
    if (shared != null) {
      shared.delete(storeKey);
      shared.publish(storeKey, invalidation(storeKey));
    }
  }

  /**
   * A snapshot of the counters since the cache was built, with the local tier's current size,
   * weight and evictions.
   *
   * @return the counters
   */
  public CacheStats stats() {
    return stats.snapshot(local.size(), local.weight(), local.evictions());
  }

  /**
   * The state of the shared tiers, for a health endpoint: pings the store now (bounded by its
   * timeout) and reads both breakers. The cache keeps answering whatever this says.
   *
   * @return the store's and the lock store's state
   */
  public CacheHealth health() {
    CacheHealth.State store = CacheHealth.State.NONE;
    if (shared != null) {
      try {
        shared.ping();
        store = storeBreaker.state();
      } catch (RuntimeException e) {
        log.debug("Cache {}: health check ping failed: {}", name, e.toString());
        store = CacheHealth.State.DOWN;
      }
    }
    CacheHealth.State lockState = locks == null ? CacheHealth.State.NONE : locksBreaker.state();
    return new CacheHealth(store, lockState);
  }

  /** {@return the cache's name} */
  public String name() {
    return name;
  }

  /**
   * Stops the invalidation subscription and the cache's own threads. Does not close the store
   * or the lock provider. Calling it again does nothing.
   */
  @Override
  public void close() {
    if (subscription != null) {
      subscription.close();
    }
    threads.close();
  }

  // ---------------------------------------------------------------------------------------
  // The read path

  private String storeKey(K key) {
    Objects.requireNonNull(key, "key");
    return keyCodec.apply(key);
  }

  /** A fresh local entry (counted as a hit, maybe starting an early refresh), or null. */
  private LocalEntry<V> freshLocal(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    LocalEntry<V> entry = local.get(storeKey);
    if (entry != null) {
      long now = timing.ticker.read();
      if (entry.isFresh(now)) {
        if (entry.stale()) {
          stats.record(Type.STALE_SERVED, storeKey); // kept after a failure: no retry storm
          return entry;
        }
        stats.localHit(storeKey);
        if (earlyRefresh.shouldRefresh(entry, now)) {
          startRefresh(key, storeKey, entry, loader);
        }
        return entry;
      }
    }
    return null;
  }

  /** Coalesces the callers of this JVM: the first goes on, the others wait for its result. */
  private LocalEntry<V> miss(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    stats.record(Type.MISS, storeKey);
    CompletableFuture<LocalEntry<V>> mine = new CompletableFuture<>();
    CompletableFuture<LocalEntry<V>> leader = inFlight.putIfAbsent(storeKey, mine);
    if (leader != null) {
      return await(storeKey, leader);
    }
    try {
      LocalEntry<V> result = lead(key, storeKey, loader);
      mine.complete(result);
      return result;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(storeKey, mine);
    }
  }

  /** Waits for another caller's load: interruptibly, and at most {@link #waitBound}. */
  private LocalEntry<V> await(String storeKey, CompletableFuture<LocalEntry<V>> leader) {
    try {
      return leader.get(waitBound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime; // the leader's own exception object
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new CacheLoadException("load of " + storeKey + " in cache " + name + " failed: "
          + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoadException("interrupted while waiting for the load of " + storeKey
          + " in cache " + name, e);
    } catch (TimeoutException e) {
      throw new CacheLoadException("gave up waiting for the load of " + storeKey + " in cache "
          + name + " after " + waitBound + " (loader timeout + lock wait + " + WAIT_SLACK + ")",
          e);
    }
  }

  /** The triple check, for the one thread per key of this instance that goes on. */
  private LocalEntry<V> lead(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    // Read before anything else: an invalidation after this point keeps our results out of the
    // local tier (a store read, a load).
    long version = local.version(storeKey);
    LocalEntry<V> stale = local.get(storeKey);
    if (stale != null && stale.isFresh(timing.ticker.read())) {
      return stale; // a leader before us finished between our miss and our turn
    }
    if (shared == null && locks == null) {
      return load(key, storeKey, loader, stale, version);
    }
    if (shared != null) {
      Optional<LocalEntry<V>> stored = fromStore(storeKey, version);
      if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
        return stored.get();
      }
      stale = newer(stale, stored);
    }
    if (locks == null) {
      return load(key, storeKey, loader, stale, version);
    }
    Optional<Lease> lease = locks.acquire(storeKey);
    try {
      if (shared != null) {
        Optional<LocalEntry<V>> stored = fromStore(storeKey, version);
        if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
          return stored.get();
        }
        stale = newer(stale, stored);
      }
      if (lease.isEmpty()) {
        stats.unlockedLoad();
        log.warn("Cache {}: loading {} without its lock", name, storeKey);
      }
      return load(key, storeKey, loader, stale, version);
    } finally {
      lease.ifPresent(Lease::release);
    }
  }

  /**
   * A store read; a fresh entry is counted as a store hit and copied to the local tier unless
   * the key was invalidated since {@code version}.
   */
  private Optional<LocalEntry<V>> fromStore(String storeKey, long version) {
    Optional<LocalEntry<V>> stored = shared.read(storeKey);
    if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
      stats.record(Type.HIT_STORE, storeKey);
      local.putIfCurrent(storeKey, stored.get(), version);
    }
    return stored;
  }

  private static <V> LocalEntry<V> newer(LocalEntry<V> current, Optional<LocalEntry<V>> other) {
    if (other.isEmpty()) {
      return current;
    }
    if (current == null || other.get().expiresAtMillis() > current.expiresAtMillis()) {
      return other.get();
    }
    return current;
  }

  // ---------------------------------------------------------------------------------------
  // Loading

  /**
   * Calls the loader and keeps what it returns, unless the key was invalidated meanwhile; on
   * failure serves {@code stale} if allowed, and keeps it locally for a while so the next
   * misses do not each wait for the loader to fail again.
   */
  private LocalEntry<V> load(K key, String storeKey, CacheLoader<? super K, ? extends V> loader,
      LocalEntry<V> stale, long version) {
    // Taken before the loader reads its source: an invalidation (or put) after this point ends
    // the lease, and the store refuses our write.
    String storeLease = shared == null ? null : shared.lease(storeKey, leaseTime);
    long start = timing.ticker.read();
    V value;
    try {
      value = callLoader(key, storeKey, loader);
    } catch (RuntimeException | Error e) {
      long now = timing.ticker.read();
      Duration took = Duration.ofNanos(now - start);
      stats.record(Type.LOAD_FAILURE, storeKey, took, e);
      if (stale != null && stale.isServableStale(now)) {
        log.warn("Cache {}: loader failed for {}; serving the value that expired at {} "
            + "(stale-if-error {}), trying again in {} ms: {}", name, storeKey,
            Instant.ofEpochMilli(stale.expiresAtMillis()), staleIfError,
            TimeUnit.NANOSECONDS.toMillis(staleRetryNanos), e.toString());
        stats.record(Type.STALE_SERVED, storeKey, took, e);
        LocalEntry<V> kept = stale.keptStale(now + staleRetryNanos);
        local.putIfCurrent(storeKey, kept, version);
        return kept;
      }
      throw e;
    }
    long loadNanos = timing.ticker.read() - start;
    stats.record(Type.LOAD, storeKey, Duration.ofNanos(loadNanos), null);
    return keepLoaded(storeKey, value, loadNanos, version, storeLease);
  }

  /**
   * Stores a loaded value in both tiers (an absence only with negative caching), each write
   * conditional on the key not having been invalidated since the load began. The callers of
   * this load get the value either way: it was current when they asked.
   */
  private LocalEntry<V> keepLoaded(String storeKey, V value, long loadNanos, long version,
      String storeLease) {
    if (value == null && negativeTtlMillis == 0) {
      return timing.local(null, timing.clock.millis(), loadNanos); // returned, not kept
    }
    LocalEntry<V> entry = entry(value, loadNanos);
    if (shared != null && storeLease != null) {
      SharedTier.Write written = shared.writeIfLeased(storeKey, entry, keep(entry), storeLease);
      if (written == SharedTier.Write.SUPERSEDED) {
        log.debug("Cache {}: {} was invalidated while it loaded; not keeping the result", name,
            storeKey);
        return entry;
      }
    }
    local.putIfCurrent(storeKey, entry, version);
    return entry;
  }

  /** A new entry for {@code value}: the TTL plus jitter, or the negative TTL for an absence. */
  private LocalEntry<V> entry(V value, long loadNanos) {
    long ttl = value == null ? negativeTtlMillis
        : ttlMillis + (jitterMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterMillis + 1));
    return timing.local(value, timing.clock.millis() + ttl, loadNanos);
  }

  /** How long the store keeps an entry: until its expiry plus the stale-if-error window. */
  private Duration keep(LocalEntry<V> entry) {
    long remaining = Math.max(1, entry.expiresAtMillis() - timing.clock.millis());
    return Duration.ofMillis(remaining).plus(staleIfError);
  }

  private V callLoader(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    return loaderRunner.call(key, storeKey, loader);
  }

  // ---------------------------------------------------------------------------------------
  // Early refresh

  private void startRefresh(K key, String storeKey, LocalEntry<V> seen,
      CacheLoader<? super K, ? extends V> loader) {
    if (!refreshing.add(storeKey)) {
      return; // one refresh per key per instance
    }
    try {
      threads.background.execute(() -> {
        try {
          refresh(key, storeKey, seen, loader);
        } finally {
          refreshing.remove(storeKey);
        }
      });
    } catch (RejectedExecutionException e) {
      refreshing.remove(storeKey);
    }
  }

  /**
   * Reloads a hot key in the background while readers keep the current value. Guarded by the
   * key's lock without waiting: if another instance holds it, that one is refreshing.
   */
  private void refresh(K key, String storeKey, LocalEntry<V> seen,
      CacheLoader<? super K, ? extends V> loader) {
    Optional<Lease> lease = Optional.empty();
    if (locks != null) {
      lease = locks.tryAcquireNow(storeKey);
      if (lease.isEmpty()) {
        return;
      }
    }
    try {
      long version = local.version(storeKey);
      if (shared != null) {
        Optional<LocalEntry<V>> stored = shared.read(storeKey);
        if (stored.isPresent() && stored.get().expiresAtMillis() > seen.expiresAtMillis()) {
          // another instance refreshed it already
          local.putIfCurrent(storeKey, stored.get(), version);
          return;
        }
      }
      stats.record(Type.EARLY_REFRESH, storeKey);
      load(key, storeKey, loader, null, version);
    } catch (RuntimeException e) {
      log.warn("Cache {}: early refresh of {} failed; readers keep the current value: {}", name,
          storeKey, e.toString());
    } finally {
      lease.ifPresent(Lease::release);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Invalidation across instances

  private String invalidation(String storeKey) {
    return instance + " " + storeKey;
  }

  private CacheStore.Subscription subscribe() {
    return shared.subscribe(new CacheStore.Subscriber() {
      @Override
      public void onMessage(String message) {
        int space = message.indexOf(' ');
        if (space < 0 || message.regionMatches(0, instance, 0, space) && space == instance.length()) {
          return; // malformed, or our own: our local tier is already right
        }
        String storeKey = message.substring(space + 1);
        local.invalidate(storeKey); // also keeps loads in flight here out of the local tier
        inFlight.remove(storeKey);
      }

      @Override
      public void onReconnect() {
        log.info("Cache {}: invalidation subscription is back; clearing the local tier, "
            + "invalidations may have been missed", name);
        local.invalidateAll();
        inFlight.clear();
      }
    });
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  @Override
  public String toString() {
    return "StampedeCache[" + name + "]";
  }

  /**
   * Configures a {@link StampedeCache}. Only {@link #ttl} is required. Not thread-safe.
   *
   * @param <K> the type of the cache's keys
   * @param <V> the type of the cache's values
   */
  public static final class Builder<K, V> {
    private final String name;
    private Duration ttl;
    private Duration ttlJitter = Duration.ZERO;
    private Duration localTtl;
    private long localMaximumSize = 10_000;
    private boolean localMaximumSizeSet;
    private long localMaximumWeight;
    private ToIntFunction<? super V> localWeigher;
    private CacheStore store;
    private CacheCodec<V> codec;
    private LockProvider locks;
    private Duration lockLease = Duration.ofSeconds(30);
    private Duration lockWait = Duration.ofSeconds(10);
    private double earlyRefreshBeta = 1.0;
    private Duration staleIfError = Duration.ZERO;
    private Duration negativeTtl = Duration.ZERO;
    private Duration loaderTimeout = DEFAULT_LOADER_TIMEOUT;
    private int threads = 16;
    private BreakerConfig breaker = BreakerConfig.defaults();
    private Function<? super K, String> keyCodec = String::valueOf;
    private final List<CacheListener> listeners = new ArrayList<>();
    private Executor executor;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();

    private Builder(String name) {
      Objects.requireNonNull(name, "name must not be null");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name must be 1 to 100 letters, digits, '.', '_' or '-': " + name);
      }
      this.name = name;
    }

    /**
     * How long a loaded value is fresh. Required.
     *
     * @param ttl the time to live of each entry, before jitter; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder<K, V> ttl(Duration ttl) {
      this.ttl = positive("ttl", ttl);
      return this;
    }

    /**
     * A random extra lifetime, uniform in [0, jitter], added to each entry's TTL so keys loaded
     * together do not expire together; by default zero.
     *
     * @param jitter the largest extra lifetime; zero or more
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder<K, V> ttlJitter(Duration jitter) {
      this.ttlJitter = notNegative("ttlJitter", jitter);
      return this;
    }

    /**
     * The longest this instance trusts its local copy before it reads the store again, to bound
     * how stale a copy can get if an invalidation message is lost; by default the entry's TTL.
     *
     * @param localTtl the local copy's time to live; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder<K, V> localTtl(Duration localTtl) {
      this.localTtl = positive("localTtl", localTtl);
      return this;
    }

    /**
     * The most entries the local tier keeps (least recently and frequently used go first); by
     * default 10,000.
     *
     * @param size the local tier's capacity in entries; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder<K, V> localMaximumSize(long size) {
      if (size <= 0) {
        throw new IllegalArgumentException("localMaximumSize must be positive: " + size);
      }
      this.localMaximumSize = size;
      this.localMaximumSizeSet = true;
      return this;
    }

    /**
     * Bounds the local tier by weight instead of entries: each value weighs what
     * {@code weigher} says (e.g. its size in bytes; an absence weighs 1), and the local tier
     * evicts entries (least recently and frequently used first) to keep the total at most
     * {@code maximumWeight}. Replaces {@link #localMaximumSize}; the two cannot be combined.
     * {@link CacheStats#localWeight()} shows the current total.
     *
     * <pre>{@code
     * .localMaximumWeight(64L << 20, photo -> photo.bytes().length)   // 64 MiB of photos
     * }</pre>
     *
     * @param maximumWeight the largest total weight; positive
     * @param weigher the weight of one value: 0 or more, quick, and the same for the same value
     * @return this builder
     * @throws IllegalArgumentException if {@code maximumWeight} is not positive
     */
    public Builder<K, V> localMaximumWeight(long maximumWeight, ToIntFunction<? super V> weigher) {
      if (maximumWeight <= 0) {
        throw new IllegalArgumentException("localMaximumWeight must be positive: " + maximumWeight);
      }
      this.localWeigher = Objects.requireNonNull(weigher, "weigher must not be null");
      this.localMaximumWeight = maximumWeight;
      return this;
    }

    /**
     * The shared store, and the codec that turns values into its bytes. Without a store the
     * cache is local to this instance.
     *
     * @param store the shared store; the cache does not close it
     * @param codec turns values into the store's bytes and back
     * @return this builder
     */
    public Builder<K, V> store(CacheStore store, CacheCodec<V> codec) {
      this.store = Objects.requireNonNull(store, "store must not be null");
      this.codec = Objects.requireNonNull(codec, "codec must not be null");
      return this;
    }

    /**
     * The per-key locks that let one instance load a key while the others wait for the store.
     * Without them, each instance loads a missing key once. Use a provider on a store every
     * instance reaches (Redis, etcd, a database).
     *
     * @param locks the lock provider; the cache does not close it
     * @return this builder
     */
    public Builder<K, V> locks(LockProvider locks) {
      this.locks = Objects.requireNonNull(locks, "locks must not be null");
      return this;
    }

    /**
     * The lease of a key's lock, renewed while the load runs; by default 30 seconds.
     *
     * @param lease the lock's lease time; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder<K, V> lockLease(Duration lease) {
      this.lockLease = positive("lockLease", lease);
      return this;
    }

    /**
     * How long a miss waits for another instance that holds the key's lock (and is loading it)
     * before it loads without the lock; by default 10 seconds. Make it longer than a slow load.
     *
     * @param wait the longest wait for the key's lock; zero or more (zero: load without the
     *     lock as soon as it is found held)
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder<K, V> lockWait(Duration wait) {
      this.lockWait = notNegative("lockWait", wait);
      return this;
    }

    /**
     * XFetch's beta: 1 (the default) is the paper's optimum, above 1 refreshes earlier, 0 turns
     * early refresh off.
     *
     * @param beta how eagerly reads close to expiry refresh in the background; finite, 0 or more
     * @return this builder
     * @throws IllegalArgumentException if it is negative, infinite or NaN
     */
    public Builder<K, V> earlyRefresh(double beta) {
      if (!(beta >= 0) || Double.isInfinite(beta)) {
        throw new IllegalArgumentException("earlyRefresh beta must be finite and at least 0: " + beta);
      }
      this.earlyRefreshBeta = beta;
      return this;
    }

    /**
     * How long after its expiry a value may still be returned when the loader fails; by default
     * zero (never). The store keeps entries this much longer than their TTL.
     *
     * @param window how long past expiry a value may be served on a load failure; zero or more
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder<K, V> staleIfError(Duration window) {
      this.staleIfError = notNegative("staleIfError", window);
      return this;
    }

    /**
     * How long a loader's {@code null} ("no value") is remembered; by default zero: absences are
     * not cached and every {@code get} of the key calls the loader.
     *
     * @param ttl how long an absence is remembered; zero or more
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder<K, V> negativeTtl(Duration ttl) {
      this.negativeTtl = notNegative("negativeTtl", ttl);
      return this;
    }

    /**
     * The longest a load may take; by default 30 seconds. The loader runs on the cache's loader
     * threads (or the {@link #executor}) and is interrupted when it is late; the caller gets a
     * {@link CacheLoadException} (or a stale value). Callers coalesced behind a load wait at
     * most this plus the lock wait plus 5 s.
     *
     * @param timeout the longest a load may run; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder<K, V> loaderTimeout(Duration timeout) {
      this.loaderTimeout = positive("loaderTimeout", timeout);
      if (timeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("loaderTimeout must be at most a day: " + timeout);
      }
      return this;
    }

    /**
     * The bound of each of the cache's own thread pools, used when no {@link #executor} is
     * given; by default 16. At most this many loaders run at once, with up to 1,000 more
     * queued (time in the queue counts against the loader timeout); one more is refused at
     * once with a {@link CacheLoadException} (a load failure: stale-if-error applies), so
     * loaders that ignore interrupts can hold threads but never grow the pool. Likewise at
     * most this many {@code getAsync} calls and early refreshes run at once with 1,000 more
     * queued; past that a {@code getAsync} future fails at once and an early refresh is
     * skipped.
     *
     * @param threads the most threads per pool; positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder<K, V> threads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * The circuit breakers around the store and the lock store; by default
     * {@link BreakerConfig#defaults()}. {@link BreakerConfig#disabled()} turns them off.
     *
     * @param breaker how the breakers open, wait and probe
     * @return this builder
     */
    public Builder<K, V> breaker(BreakerConfig breaker) {
      this.breaker = Objects.requireNonNull(breaker, "breaker must not be null");
      return this;
    }

    /**
     * How a key becomes the string the store and the locks see; by default
     * {@link String#valueOf}. Distinct keys must give distinct strings.
     *
     * @param keyCodec maps a key to its string form
     * @return this builder
     */
    public Builder<K, V> keyCodec(Function<? super K, String> keyCodec) {
      this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec must not be null");
      return this;
    }

    /**
     * Adds a listener of the cache's events; may be called several times.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<K, V> listener(CacheListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
      return this;
    }

    /**
     * Runs loaders, {@link StampedeCache#getAsync} and early refreshes; by default two bounded
     * pools of daemon threads that the cache owns and stops on close (see {@link #threads}).
     * A task the executor rejects fails as the cache's own pools fail at their bound. Coalesced
     * callers and {@code getAsync} tasks wait on it for loads, so do not give an executor that
     * runs tasks on the calling thread or is smaller than the loads you expect at once.
     *
     * @param executor the executor; the cache does not shut it down
     * @return this builder
     */
    public Builder<K, V> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * The monotonic clock of local decisions; for tests. By default {@link Ticker#system()}.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder<K, V> ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
      return this;
    }

    /**
     * The wall clock of the expiries kept in the store; for tests. By default UTC system time.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder<K, V> clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Builds the cache and, with a store, subscribes to its invalidations.
     *
     * @return the cache; close it to stop its subscription and own threads
     * @throws IllegalStateException if no TTL was set, or both a size and a weight bound
     */
    public StampedeCache<K, V> build() {
      if (ttl == null) {
        throw new IllegalStateException("ttl must be set for cache " + name);
      }
      if (localWeigher != null && localMaximumSizeSet) {
        throw new IllegalStateException("cache " + name + " sets both localMaximumSize ("
            + localMaximumSize + ") and localMaximumWeight (" + localMaximumWeight
            + "); use one");
      }
      return new StampedeCache<>(this);
    }

    private static Duration positive(String what, Duration value) {
      Objects.requireNonNull(value, what + " must not be null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + value);
      }
      return value;
    }

    private static Duration notNegative(String what, Duration value) {
      Objects.requireNonNull(value, what + " must not be null");
      if (value.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + value);
      }
      return value;
    }
  }
}
