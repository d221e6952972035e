package dev.baton.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.cache.CacheEvent.Type;
import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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
 * background shortly before they expire (XFetch). A store outage never reaches the caller.
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
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String name;
  private final String instance = UUID.randomUUID().toString();
  private final Function<? super K, String> keyCodec;
  private final Timing timing;
  private final long ttlMillis;
  private final long jitterMillis;
  private final long negativeTtlMillis;
  private final Duration staleIfError;
  private final Duration loaderTimeout;
  private final EarlyRefresh earlyRefresh;
  private final Cache<String, LocalEntry<V>> local;
  private final SharedTier<V> shared; // null without a store
  private final KeyLocks locks; // null without a lock provider
  private final StatsRecorder stats;
  private final Executor executor;
  private final ExecutorService ownExecutor; // null when the caller gave one
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
    this.loaderTimeout = b.loaderTimeout;
    this.earlyRefresh = new EarlyRefresh(b.earlyRefreshBeta);
    long localTtl = b.localTtl == null ? Long.MAX_VALUE / 4 : b.localTtl.toNanos();
    this.timing = new Timing(b.ticker, b.clock, localTtl, saturatedNanos(b.staleIfError));
    this.stats = new StatsRecorder(name, b.listeners);
    this.local = Caffeine.newBuilder()
        .maximumSize(b.localMaximumSize)
        // No expiry in Caffeine: each entry's freshness (and stale window) is checked on read
        // with one clock reading, and a miss overwrites the entry. Caffeine's own expiry would
        // read the clock a second time on every hit (CacheHitBenchmark); the size bound alone
        // limits what expired entries can hold on to.
        .build();
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownExecutor = null;
    } else {
      this.ownExecutor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "baton-cache-" + name + "-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
      this.executor = ownExecutor;
    }
    this.locks = b.locks == null ? null
        : new KeyLocks(name, b.locks, b.lockLease, b.lockWait, stats);
    if (b.store != null) {
      this.shared = new SharedTier<>(name, b.store, b.codec, timing, stats);
      this.subscription = subscribe();
    } else {
      this.shared = null;
      this.subscription = null;
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
   *
   * @param key the key; not null
   * @param loader computes the value on a miss (callers coalesced on one load share the result
   *     of the one loader that runs)
   * @return the value, or {@code null} if the loader said there is none
   * @throws CacheLoadException if the loader threw a checked exception (as its cause) or timed
   *     out, and no stale value could be served; an unchecked exception of the loader is
   *     rethrown as it is. Every caller coalesced on the load gets the same exception object.
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
   * {@link #get} on the cache's executor: a fresh local value completes at once, anything else
   * runs there. The future fails as {@code get} would throw.
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
    return CompletableFuture.supplyAsync(() -> miss(key, storeKey, loader).value(), executor);
  }

  /**
   * The value of {@code key} if this instance or the store holds a fresh one; never loads.
   * Empty also for a key remembered as absent (negative caching).
   *
   * @param key the key; not null
   * @return the fresh value, or empty
   */
  public Optional<V> getIfPresent(K key) {
    String storeKey = storeKey(key);
    long now = timing.ticker.read();
    LocalEntry<V> entry = local.getIfPresent(storeKey);
    if (entry != null && entry.isFresh(now)) {
      stats.localHit(storeKey);
      return Optional.ofNullable(entry.value());
    }
    stats.record(Type.MISS, storeKey);
    if (shared == null) {
      return Optional.empty();
    }
    Optional<LocalEntry<V>> stored = shared.read(storeKey);
    if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
      stats.record(Type.HIT_STORE, storeKey);
      local.put(storeKey, stored.get());
      return Optional.ofNullable(stored.get().value());
    }
    return Optional.empty();
  }

  /**
   * Sets the value of {@code key} here and in the store, with the cache's TTL and jitter, and
   * tells the other instances to drop their local copies.
   *
   * @param key the key; not null
   * @param value the value; not null
   */
  public void put(K key, V value) {
    Objects.requireNonNull(value, "value");
    String storeKey = storeKey(key);
    LocalEntry<V> previous = local.getIfPresent(storeKey);
    long loadNanos = previous == null ? 0 : previous.loadNanos();
    keep(storeKey, value, loadNanos);
    if (shared != null) {
      shared.publish(storeKey, invalidation(storeKey));
    }
  }

  /**
   * Removes {@code key} here and from the store, and from the other instances' local tiers.
   *
   * @param key the key; not null
   */
  public void invalidate(K key) {
    String storeKey = storeKey(key);
    local.invalidate(storeKey);
    if (shared != null) {
      shared.delete(storeKey);
      shared.publish(storeKey, invalidation(storeKey));
    }
  }

  /** {@return a snapshot of the counters since the cache was built} */
  public CacheStats stats() {
    return stats.snapshot();
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
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------
  // The read path

  private String storeKey(K key) {
    Objects.requireNonNull(key, "key");
    return keyCodec.apply(key);
  }

  /** A fresh local entry (counted as a hit, maybe starting an early refresh), or null. */
  private LocalEntry<V> freshLocal(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    LocalEntry<V> entry = local.getIfPresent(storeKey);
    if (entry != null) {
      long now = timing.ticker.read();
      if (entry.isFresh(now)) {
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
      return await(leader);
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

  private static <V> LocalEntry<V> await(CompletableFuture<LocalEntry<V>> leader) {
    try {
      return leader.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime; // the leader's own exception object
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** The triple check, for the one thread per key of this instance that goes on. */
  private LocalEntry<V> lead(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    LocalEntry<V> stale = local.getIfPresent(storeKey);
    if (stale != null && stale.isFresh(timing.ticker.read())) {
      return stale; // a leader before us finished between our miss and our turn
    }
    if (shared == null && locks == null) {
      return load(key, storeKey, loader, stale);
    }
    if (shared != null) {
      Optional<LocalEntry<V>> stored = fromStore(storeKey);
      if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
        return stored.get();
      }
      stale = newer(stale, stored);
    }
    if (locks == null) {
      return load(key, storeKey, loader, stale);
    }
    Optional<Lease> lease = locks.acquire(storeKey);
    try {
      if (shared != null) {
        Optional<LocalEntry<V>> stored = fromStore(storeKey);
        if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
          return stored.get();
        }
        stale = newer(stale, stored);
      }
      if (lease.isEmpty()) {
        stats.unlockedLoad();
        log.warn("Cache {}: loading {} without its lock", name, storeKey);
      }
      return load(key, storeKey, loader, stale);
    } finally {
      lease.ifPresent(Lease::release);
    }
  }

  /** A store read; a fresh entry is counted as a store hit and copied to the local tier. */
  private Optional<LocalEntry<V>> fromStore(String storeKey) {
    Optional<LocalEntry<V>> stored = shared.read(storeKey);
    if (stored.isPresent() && stored.get().isFresh(timing.ticker.read())) {
      stats.record(Type.HIT_STORE, storeKey);
      local.put(storeKey, stored.get());
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

  /** Calls the loader and keeps what it returns; on failure serves {@code stale} if allowed. */
  private LocalEntry<V> load(K key, String storeKey, CacheLoader<? super K, ? extends V> loader,
      LocalEntry<V> stale) {
    long start = timing.ticker.read();
    V value;
    try {
      value = callLoader(key, storeKey, loader);
    } catch (RuntimeException | Error e) {
      Duration took = Duration.ofNanos(timing.ticker.read() - start);
      stats.record(Type.LOAD_FAILURE, storeKey, took, e);
      if (stale != null && stale.isServableStale(timing.ticker.read())) {
        log.warn("Cache {}: loader failed for {}; serving the value that expired at {} "
            + "(stale-if-error {}): {}", name, storeKey, java.time.Instant.ofEpochMilli(
            stale.expiresAtMillis()), staleIfError, e.toString());
        stats.record(Type.STALE_SERVED, storeKey, took, e);
        return stale;
      }
      throw e;
    }
    long loadNanos = timing.ticker.read() - start;
    stats.record(Type.LOAD, storeKey, Duration.ofNanos(loadNanos), null);
    return keep(storeKey, value, loadNanos);
  }

  /** Stores a loaded or put value in both tiers; an absence only with negative caching. */
  private LocalEntry<V> keep(String storeKey, V value, long loadNanos) {
    long ttl;
    if (value == null) {
      if (negativeTtlMillis == 0) {
        return timing.local(null, timing.clock.millis(), loadNanos); // returned, not kept
      }
      ttl = negativeTtlMillis;
    } else {
      ttl = ttlMillis + (jitterMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterMillis + 1));
    }
    LocalEntry<V> entry = timing.local(value, timing.clock.millis() + ttl, loadNanos);
    if (shared != null) {
      shared.write(storeKey, entry, Duration.ofMillis(ttl).plus(staleIfError));
    }
    local.put(storeKey, entry);
    return entry;
  }

  private V callLoader(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    if (loaderTimeout == null) {
      try {
        return loader.load(key);
      } catch (RuntimeException e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CacheLoadException("loader of " + storeKey + " in cache " + name
            + " was interrupted", e);
      } catch (Exception e) {
        throw new CacheLoadException("loader of " + storeKey + " in cache " + name + " failed: "
            + e, e);
      }
    }
    FutureTask<V> task = new FutureTask<>(() -> loader.load(key));
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      throw new CacheLoadException("cache " + name + " cannot run the loader of " + storeKey
          + " (closed?)", e);
    }
    try {
      return task.get(loaderTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new CacheLoadException("loader of " + storeKey + " in cache " + name
          + " did not finish within " + loaderTimeout, e);
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new CacheLoadException("interrupted while waiting for the loader of " + storeKey
          + " in cache " + name, e);
    } catch (CancellationException e) {
      throw new CacheLoadException("loader of " + storeKey + " in cache " + name
          + " was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new CacheLoadException("loader of " + storeKey + " in cache " + name + " failed: "
          + cause, cause);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Early refresh

  private void startRefresh(K key, String storeKey, LocalEntry<V> seen,
      CacheLoader<? super K, ? extends V> loader) {
    if (!refreshing.add(storeKey)) {
      return; // one refresh per key per instance
    }
    try {
      executor.execute(() -> {
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
      if (shared != null) {
        Optional<LocalEntry<V>> stored = shared.read(storeKey);
        if (stored.isPresent() && stored.get().expiresAtMillis() > seen.expiresAtMillis()) {
          local.put(storeKey, stored.get()); // another instance refreshed it already
          return;
        }
      }
      stats.record(Type.EARLY_REFRESH, storeKey);
      load(key, storeKey, loader, null);
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
        local.invalidate(message.substring(space + 1));
      }

      @Override
      public void onReconnect() {
        log.info("Cache {}: invalidation subscription is back; clearing the local tier, "
            + "invalidations may have been missed", name);
        local.invalidateAll();
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
    private CacheStore store;
    private CacheCodec<V> codec;
    private LockProvider locks;
    private Duration lockLease = Duration.ofSeconds(30);
    private Duration lockWait = Duration.ofSeconds(10);
    private double earlyRefreshBeta = 1.0;
    private Duration staleIfError = Duration.ZERO;
    private Duration negativeTtl = Duration.ZERO;
    private Duration loaderTimeout;
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
     * The longest a load may take; the loader then runs on the cache's executor and is
     * interrupted when it is late. By default there is no timeout and the loader runs on the
     * calling thread.
     *
     * @param timeout the longest a load may run; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder<K, V> loaderTimeout(Duration timeout) {
      this.loaderTimeout = positive("loaderTimeout", timeout);
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
     * Runs {@link StampedeCache#getAsync}, early refreshes and loaders with a timeout; by default
     * a pool of daemon threads that the cache owns and stops on close.
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
     * @throws IllegalStateException if no TTL was set
     */
    public StampedeCache<K, V> build() {
      if (ttl == null) {
        throw new IllegalStateException("ttl must be set for cache " + name);
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
