package dev.baton.cache.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cache.CacheEvent;
import dev.baton.cache.CacheLoadException;
import dev.baton.cache.CacheLoader;
import dev.baton.cache.StampedeCache;
import dev.baton.locks.LockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/** StampedeCache on a real Redis (store and locks), with manual time where time matters. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StampedeCacheOnRedisTest {
  private final FakeTime time = new FakeTime();
  private final String name = "t-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(closing);
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** A new instance: its own local tier, store client and lock client, on {@code uri}. */
  private StampedeCache<String, String> instance(String uri,
      UnaryOperator<StampedeCache.Builder<String, String>> config) {
    RedisCacheStore store = RedisCacheStore.builder(uri).timeout(Duration.ofMillis(500)).build();
    LockProvider locks = RedisLockProvider.builder(uri).timeout(Duration.ofMillis(500)).build();
    closing.add(store);
    closing.add(locks);
    StampedeCache<String, String> cache = config.apply(StampedeCache.<String, String>builder(name)
        .ttl(Duration.ofSeconds(10))
        .store(store, JacksonCodec.of(String.class))
        .locks(locks)
        .ticker(time)
        .clock(time)).build();
    closing.add(cache);
    return cache;
  }

  private StampedeCache<String, String> instance(UnaryOperator<StampedeCache.Builder<String, String>> config) {
    return instance(RedisServer.shared().uri(), config);
  }

  private static CacheLoader<String, String> counting(AtomicInteger calls) {
    return key -> key + "#" + calls.incrementAndGet();
  }

  @Test
  void ttlExpiryReloads() {
    StampedeCache<String, String> cache = instance(b -> b);
    AtomicInteger calls = new AtomicInteger();
    assertEquals("k#1", cache.get("k", counting(calls)));
    time.advance(Duration.ofMillis(9_900));
    assertEquals("k#1", cache.get("k", counting(calls)), "fresh 100 ms before the TTL");
    time.advance(Duration.ofMillis(200));
    assertEquals("k#2", cache.get("k", counting(calls)), "reloaded 100 ms after the TTL");
    assertEquals(2, calls.get(), "loader calls");
  }

  @Test
  void jitterSpreadsExpiries() {
    StampedeCache<String, String> cache = instance(b -> b.ttlJitter(Duration.ofSeconds(10)));
    AtomicInteger calls = new AtomicInteger();
    int keys = 200;
    for (int i = 0; i < keys; i++) {
      cache.get("k" + i, counting(calls));
    }
    time.advance(Duration.ofMillis(9_990));
    assertEquals(0, reloads(cache, keys, calls), "reloads before the TTL: jitter only adds");
    time.advance(Duration.ofMillis(5_010)); // 15 s: half-way through the jitter
    int halfWay = reloads(cache, keys, calls);
    assertTrue(halfWay > keys / 5 && halfWay < keys * 4 / 5,
        "at TTL + jitter/2, " + halfWay + " of " + keys + " keys expired; expected about half");
  }

  private static int reloads(StampedeCache<String, String> cache, int keys, AtomicInteger calls) {
    int before = calls.get();
    for (int i = 0; i < keys; i++) {
      cache.get("k" + i, counting(calls));
    }
    return calls.get() - before;
  }

  @Test
  void aHotKeyIsRefreshedBeforeItExpiresAndNoReaderWaits() throws Exception {
    StampedeCache<String, String> cache = instance(b -> b.ttl(Duration.ofSeconds(60)));
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch refreshing = new CountDownLatch(1);
    CountDownLatch finishRefresh = new CountDownLatch(1);
    CacheLoader<String, String> loader = key -> {
      if (calls.incrementAndGet() == 1) {
        time.advance(Duration.ofSeconds(1)); // the first load "takes" 1 s: XFetch's delta
        return "v1";
      }
      refreshing.countDown();
      finishRefresh.await(20, TimeUnit.SECONDS);
      return "v2";
    };
    assertEquals("v1", cache.get("hot", loader));
    for (int i = 0; i < 1_000; i++) {
      cache.get("hot", loader);
    }
    assertEquals(1, calls.get(), "no early refresh 59 s (59 deltas) before expiry");

    time.advance(Duration.ofMillis(59_950)); // 50 ms before expiry: each read refreshes with p = 0.95
    ExecutorService readers = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> reads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        reads.add(readers.submit(() -> {
          List<String> seen = new ArrayList<>();
          for (int i = 0; i < 200; i++) {
            seen.add(cache.get("hot", loader));
          }
          return seen;
        }));
      }
      for (Future<List<String>> read : reads) {
        // Every reader finishes while the refresh is still held inside the loader.
        assertEquals(Set.of("v1"), Set.copyOf(read.get(20, TimeUnit.SECONDS)));
      }
      assertTrue(refreshing.await(10, TimeUnit.SECONDS), "no early refresh started");
      assertEquals(1, finishRefresh.getCount(), "the refresh was still running");
    } finally {
      finishRefresh.countDown();
      readers.shutdownNow();
    }
    waitUntil(() -> "v2".equals(cache.get("hot", loader)), "the refreshed value to be served");
    assertEquals(2, calls.get(), "one load and one refresh");
    assertEquals(1, cache.stats().earlyRefreshes(), "early refreshes: " + cache.stats());
  }

  @Test
  void staleIsServedWhenTheLoaderFailsWithinTheWindowOnly() {
    StampedeCache<String, String> cache = instance(b -> b.staleIfError(Duration.ofSeconds(60)));
    IOException down = new IOException("plant API down");
    assertEquals("v1", cache.get("k", key -> "v1"));
    time.advance(Duration.ofSeconds(11));
    assertEquals("v1", cache.get("k", key -> { throw down; }), "stale within the window");
    assertEquals(1, cache.stats().staleServed());
    time.advance(Duration.ofSeconds(60)); // 71 s: past TTL + window
    CacheLoadException e = assertThrows(CacheLoadException.class,
        () -> cache.get("k", key -> { throw down; }));
    assertSame(down, e.getCause());
    assertEquals(1, cache.stats().staleServed());
    assertEquals(2, cache.stats().loadFailures());
  }

  @Test
  void anotherInstanceReadsTheStoreAndSeesInvalidationsAndPuts() throws Exception {
    StampedeCache<String, String> a = instance(b -> b);
    StampedeCache<String, String> b = instance(x -> x);
    awaitSubscribers(2);
    AtomicInteger calls = new AtomicInteger();
    assertEquals("k#1", a.get("k", counting(calls)));
    assertEquals("k#1", b.get("k", counting(calls)), "b finds a's value in the store");
    assertEquals(1, b.stats().storeHits());
    assertEquals(Optional.of("k#1"), b.getIfPresent("k"));

    a.invalidate("k");
    waitUntil(() -> b.getIfPresent("k").isEmpty(), "b to drop its local copy");
    assertEquals("k#2", b.get("k", counting(calls)), "b loads again after the invalidation");

    a.put("k", "put by a");
    waitUntil(() -> b.getIfPresent("k").equals(Optional.of("put by a")), "b to see a's put");
    assertEquals(2, calls.get());
  }

  @Test
  void aLoaderExceptionReachesEveryCoalescedCallerAndIsNotCached() throws Exception {
    StampedeCache<String, String> cache = instance(b -> b);
    int threads = 16;
    CountDownLatch arrived = new CountDownLatch(threads);
    AtomicInteger calls = new AtomicInteger();
    IOException failure = new IOException("backend refused");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          arrived.countDown();
          try {
            cache.get("k", key -> {
              calls.incrementAndGet();
              arrived.await(10, TimeUnit.SECONDS);
              Thread.sleep(300);
              throw failure;
            });
          } catch (RuntimeException e) {
            thrown.add(e);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, calls.get(), "loader calls for " + threads + " coalesced callers");
    assertEquals(threads, thrown.size(), "callers that got the failure");
    Set<Throwable> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(thrown);
    assertEquals(1, distinct.size(), "every caller gets the same exception object");
    Throwable only = distinct.iterator().next();
    assertTrue(only instanceof CacheLoadException && only.getCause() == failure, only.toString());

    assertEquals("fine", cache.get("k", key -> "fine"), "the failure is not cached");
  }

  @Test
  void negativeCachingRemembersAnAbsenceForItsTtl() {
    StampedeCache<String, String> cache = instance(b -> b.negativeTtl(Duration.ofSeconds(2)));
    AtomicInteger calls = new AtomicInteger();
    CacheLoader<String, String> nothing = key -> {
      calls.incrementAndGet();
      return null;
    };
    assertNull(cache.get("missing", nothing));
    assertNull(cache.get("missing", nothing));
    assertEquals(Optional.empty(), cache.getIfPresent("missing"));
    assertEquals(1, calls.get(), "an absence is remembered");
    time.advance(Duration.ofMillis(2_100));
    assertNull(cache.get("missing", nothing));
    assertEquals(2, calls.get(), "and forgotten after the negative TTL");

    StampedeCache<String, String> without = instance(b -> b);
    AtomicInteger again = new AtomicInteger();
    without.get("missing-2", key -> { again.incrementAndGet(); return null; });
    without.get("missing-2", key -> { again.incrementAndGet(); return null; });
    assertEquals(2, again.get(), "without a negative TTL absences are not cached");
  }

  @Test
  void aSlowLoaderTimesOutAndIsInterrupted() {
    StampedeCache<String, String> cache = instance(b -> b.loaderTimeout(Duration.ofMillis(200)));
    CountDownLatch interrupted = new CountDownLatch(1);
    long start = System.nanoTime();
    CacheLoadException e = assertThrows(CacheLoadException.class, () -> cache.get("slow", key -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException stop) {
        interrupted.countDown();
        throw stop;
      }
      return "late";
    }));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(e.getMessage().contains("did not finish within PT0.2S"), e.getMessage());
    assertTrue(millis < 5_000, "gave up after " + millis + " ms");
    assertTrue(await(interrupted), "the late loader was not interrupted");
  }

  @Test
  void getAsyncCompletesWithTheValueOrTheFailure() throws Exception {
    StampedeCache<String, String> cache = instance(b -> b);
    assertEquals("k#1", cache.getAsync("k", counting(new AtomicInteger())).get(10, TimeUnit.SECONDS));
    assertTrue(cache.getAsync("k", key -> "other").isDone(), "a local hit completes at once");
    IllegalStateException boom = new IllegalStateException("boom");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> cache.getAsync("bad", key -> { throw boom; }).get(10, TimeUnit.SECONDS));
    assertSame(boom, e.getCause(), "an unchecked loader exception arrives as it is");
  }

  @Test
  void withTheStoreDownReadsFallBackAndNothingThrowsThenReconnectClearsTheLocalTier()
      throws Exception {
    try (RedisServer own = RedisServer.start()) {
      List<CacheEvent> events = new CopyOnWriteArrayList<>();
      StampedeCache<String, String> cache = instance(own.uri(), b -> b.listener(events::add));
      awaitSubscribers(own.uri(), 1);
      AtomicInteger calls = new AtomicInteger();
      assertEquals("a#1", cache.get("a", counting(calls)));

      own.kill();
      assertEquals("a#1", cache.get("a", counting(calls)), "the local tier still answers");
      assertEquals("b#2", cache.get("b", counting(calls)), "a miss loads without store and lock");
      cache.put("c", "put while down");
      cache.invalidate("a");
      assertEquals(Optional.of("put while down"), cache.getIfPresent("c"));
      assertTrue(cache.stats().fallbacks() >= 3, "fallbacks: " + cache.stats());
      assertTrue(events.stream().anyMatch(ev -> ev.type() == CacheEvent.Type.FALLBACK
          && ev.error() != null), "a FALLBACK event with its error");

      own.restart(); // empty again: no persistence
      waitUntil(() -> cache.getIfPresent("c").isEmpty(),
          "the local tier to be cleared when the subscription is back");
    }
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    StampedeCache.Builder<String, String> b = StampedeCache.builder("ok");
    assertEquals("ttl must be positive: PT0S",
        assertThrows(IllegalArgumentException.class, () -> b.ttl(Duration.ZERO)).getMessage());
    assertEquals("lockWait must not be negative: PT-1S",
        assertThrows(IllegalArgumentException.class, () -> b.lockWait(Duration.ofSeconds(-1))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> StampedeCache.builder("a b"))
        .getMessage().endsWith(": a b"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisCacheStore.create("http://x:1"))
        .getMessage().contains("not a Redis URI"));
    assertFalse(assertThrows(IllegalArgumentException.class,
        () -> RedisCacheStore.create("redis://u:secret@:x")).getMessage().contains("secret"));
  }

  private void awaitSubscribers(int count) throws InterruptedException {
    awaitSubscribers(RedisServer.shared().uri(), count);
  }

  /** Invalidations published before a cache has subscribed are not delivered: wait for it. */
  private void awaitSubscribers(String uri, int count) throws InterruptedException {
    String channel = "baton:cache:" + name + ":invalidate";
    try (RedisClient raw = RedisClient.create(uri)) {
      waitUntil(() -> (Long) ((List<?>) raw.sendCommand(Protocol.Command.PUBSUB, "NUMSUB", channel))
          .get(1) >= count, count + " subscribers");
    }
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 20 s for " + what);
      }
      Thread.sleep(20);
    }
  }
}
