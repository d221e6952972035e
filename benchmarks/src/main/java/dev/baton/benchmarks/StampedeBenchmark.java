package dev.baton.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.baton.cache.StampedeCache;
import dev.baton.cache.redis.JacksonCodec;
import dev.baton.cache.redis.RedisCacheStore;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

/**
 * A cold-key stampede: 4 instances × 16 threads ask for the same 20 cold keys at once, each key
 * loaded by a 100 ms loader. The score is the time until every caller has every key; each fork
 * prints {@code [stampede] <backend> loads per key=…}. Baton: a {@code StampedeCache} per
 * instance on one Redis (store and per-key locks, each instance its own clients). Peers: one
 * Caffeine {@code LoadingCache} per instance (coalesces only inside its JVM), and the seed's
 * pattern on Redisson: read the key; on a miss take a per-key lock (wait 15 s, lease 30 s), read
 * again, load and write it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class StampedeBenchmark {
  private static final int INSTANCES = 4;
  private static final int THREADS = 16;
  private static final int KEYS = 20;
  private static final long LOAD_MILLIS = 100;

  @Param({"baton-redis", "caffeine", "redisson-triple-check"})
  public String backend;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Function<String, String>> instances = new ArrayList<>();
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicInteger round = new AtomicInteger();
  private ExecutorService callers;
  private List<String> keys;
  private long totalLoads;
  private long totalKeys;

  @Setup(Level.Trial)
  public void setUp() {
    String uri = RedisServer.shared().uri();
    for (int i = 0; i < INSTANCES; i++) {
      instances.add(switch (backend) {
        case "baton-redis" -> baton(uri);
        case "caffeine" -> caffeine();
        case "redisson-triple-check" -> redisson(uri);
        default -> throw new IllegalArgumentException("unknown backend " + backend);
      });
    }
    callers = Executors.newFixedThreadPool(INSTANCES * THREADS);
  }

  private String load(String key) {
    loads.incrementAndGet();
    try {
      Thread.sleep(LOAD_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted loading " + key, e);
    }
    return "value of " + key;
  }

  private Function<String, String> baton(String uri) {
    RedisCacheStore store = RedisCacheStore.create(uri);
    RedisLockProvider locks = RedisLockProvider.create(uri);
    StampedeCache<String, String> cache = StampedeCache.<String, String>builder("bench-stampede")
        .ttl(Duration.ofHours(24))
        .store(store, JacksonCodec.of(String.class))
        .locks(locks)
        .build();
    resources.add(cache);
    resources.add(locks);
    resources.add(store);
    return key -> cache.get(key, this::load);
  }

  private Function<String, String> caffeine() {
    LoadingCache<String, String> cache =
        Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(24)).build(this::load);
    return cache::get;
  }

  private Function<String, String> redisson(String uri) {
    RedissonClient client = Peers.redissonForManyThreads(uri);
    resources.add(client::shutdown);
    return key -> {
      RBucket<String> bucket = client.getBucket("bench-stampede-redisson:" + key);
      String value = bucket.get();
      if (value != null) {
        return value;
      }
      RLock lock = client.getLock("bench-stampede-redisson-lock:" + key);
      try {
        if (!lock.tryLock(15, 30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("no lock on " + key + " within 15 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        value = bucket.get();
        if (value == null) {
          value = load(key);
          bucket.set(value, Duration.ofHours(24));
        }
        return value;
      } finally {
        lock.unlock();
      }
    };
  }

  /** Fresh keys for each stampede: every one cold in every instance and in Redis. */
  @Setup(Level.Iteration)
  public void coldKeys() {
    int r = round.incrementAndGet();
    List<String> fresh = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      fresh.add("r" + r + "-" + System.nanoTime() + "-k" + k);
    }
    keys = fresh;
    loads.set(0);
  }

  @TearDown(Level.Iteration)
  public void countLoads() {
    totalLoads += loads.get();
    totalKeys += KEYS;
  }

  @Benchmark
  public int stampede() throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(INSTANCES * THREADS);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    for (int i = 0; i < INSTANCES; i++) {
      Function<String, String> instance = instances.get(i);
      for (int t = 0; t < THREADS; t++) {
        int offset = t;
        callers.execute(() -> {
          try {
            start.await();
            for (int k = 0; k < KEYS; k++) {
              instance.apply(keys.get((k + offset) % KEYS));
            }
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            done.countDown();
          }
        });
      }
    }
    start.countDown();
    if (!done.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the stampede did not finish within 120 s");
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return loads.get();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    System.out.printf(Locale.ROOT, "%n[stampede] %s loads per key=%.2f (%d loads, %d keys)%n",
        backend, (double) totalLoads / totalKeys, totalLoads, totalKeys);
    callers.shutdownNow();
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }
}
