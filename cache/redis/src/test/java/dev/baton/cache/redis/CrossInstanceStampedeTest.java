package dev.baton.cache.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cache.CacheStats;
import dev.baton.cache.StampedeCache;
import dev.baton.locks.LockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stampede figure: 4 cache instances (each its own local tier, store client and lock
 * client) x 16 threads on one cold key, with a 200 ms loader.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossInstanceStampedeTest {
  private static final int INSTANCES = 4;
  private static final int THREADS = 16;
  private static final Duration LOAD = Duration.ofMillis(200);

  @Test
  void sixtyFourCallersOnFourInstancesMakeExactlyOneLoaderCall() throws Exception {
    String uri = RedisServer.shared().uri();
    for (int round = 0; round < 3; round++) {
      Result result = stampede(uri, i -> RedisLockProvider.create(uri));
      System.out.printf("[cache] %d callers on %d instances: %d loader call(s) (round %d)%n",
          INSTANCES * THREADS, INSTANCES, result.total(), round);
      assertEquals(1, result.total(), "loader calls per instance " + result.perInstance);
      assertEquals(INSTANCES * THREADS, result.served, "callers that got the value");
      assertTrue(result.lockWaits > 0, "no instance waited for the lock: " + result.stats);
    }
  }

  @Test
  void withTheLockStoreKilledEachInstanceLoadsAtMostOnce() throws Exception {
    String uri = RedisServer.shared().uri();
    try (RedisServer lockStore = RedisServer.start()) {
      lockStore.kill();
      Result result = stampede(uri, i -> RedisLockProvider.builder(lockStore.uri())
          .timeout(Duration.ofMillis(500)).build());
      System.out.printf("[cache] %d callers on %d instances, lock store killed: %d loader calls%n",
          INSTANCES * THREADS, INSTANCES, result.total());
      assertAtMostOnePerInstance(result);
    }
  }

  @Test
  void withTheLockStorePausedEachInstanceLoadsAtMostOnce() throws Exception {
    String uri = RedisServer.shared().uri();
    try (RedisServer lockStore = RedisServer.start()) {
      lockStore.pause();
      try {
        Result result = stampede(uri, i -> RedisLockProvider.builder(lockStore.uri())
            .timeout(Duration.ofMillis(500)).build());
        System.out.printf("[cache] %d callers on %d instances, lock store paused: %d loader calls%n",
            INSTANCES * THREADS, INSTANCES, result.total());
        assertAtMostOnePerInstance(result);
      } finally {
        lockStore.resume();
      }
    }
  }

  private static void assertAtMostOnePerInstance(Result result) {
    for (int i = 0; i < INSTANCES; i++) {
      assertTrue(result.perInstance.get(i) <= 1,
          "instance " + i + " loaded " + result.perInstance.get(i) + " times: " + result.perInstance);
    }
    assertTrue(result.total() >= 1, "nobody loaded");
    assertEquals(INSTANCES * THREADS, result.served, "callers that got the value");
    assertTrue(result.fallbacks > 0 && result.unlockedLoads == result.total(),
        "lock-store failures must be counted: " + result.stats);
  }

  private record Result(List<Integer> perInstance, int served, long lockWaits, long fallbacks,
      long unlockedLoads, List<CacheStats> stats) {
    int total() {
      return perInstance.stream().mapToInt(Integer::intValue).sum();
    }
  }

  interface Locks {
    LockProvider create(int instance);
  }

  /**
   * Every caller is counted as arrived just before it calls {@code get}; the loader holds the
   * first load until all 64 have arrived (bounded), then takes 200 ms more, so the callers are
   * inside {@code get} while the load runs.
   */
  private static Result stampede(String uri, Locks locksFactory) throws Exception {
    String key = "cold-" + UUID.randomUUID();
    CountDownLatch arrived = new CountDownLatch(INSTANCES * THREADS);
    List<AtomicInteger> calls = new ArrayList<>();
    List<StampedeCache<String, String>> caches = new ArrayList<>();
    List<RedisCacheStore> stores = new ArrayList<>();
    List<LockProvider> locks = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES * THREADS);
    try {
      for (int i = 0; i < INSTANCES; i++) {
        calls.add(new AtomicInteger());
        RedisCacheStore store = RedisCacheStore.builder(uri).timeout(Duration.ofSeconds(2)).build();
        LockProvider lockProvider = locksFactory.create(i);
        stores.add(store);
        locks.add(lockProvider);
        caches.add(StampedeCache.<String, String>builder("stampede")
            .ttl(Duration.ofMinutes(5))
            .store(store, JacksonCodec.of(String.class))
            .locks(lockProvider)
            .lockWait(Duration.ofSeconds(20))
            .build());
      }
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        StampedeCache<String, String> cache = caches.get(i);
        AtomicInteger counter = calls.get(i);
        for (int t = 0; t < THREADS; t++) {
          results.add(pool.submit(() -> {
            arrived.countDown();
            return cache.get(key, k -> {
              counter.incrementAndGet();
              arrived.await(10, TimeUnit.SECONDS);
              Thread.sleep(LOAD.toMillis());
              return "value of " + k;
            });
          }));
        }
      }
      int served = 0;
      for (Future<String> result : results) {
        if (("value of " + key).equals(result.get(60, TimeUnit.SECONDS))) {
          served++;
        }
      }
      List<CacheStats> stats = caches.stream().map(StampedeCache::stats).toList();
      return new Result(calls.stream().map(AtomicInteger::get).toList(), served,
          stats.stream().mapToLong(CacheStats::lockWaits).sum(),
          stats.stream().mapToLong(CacheStats::fallbacks).sum(),
          stats.stream().mapToLong(CacheStats::unlockedLoads).sum(), stats);
    } finally {
      pool.shutdownNow();
      caches.forEach(StampedeCache::close);
      locks.forEach(LockProvider::close);
      stores.forEach(RedisCacheStore::close);
    }
  }
}
