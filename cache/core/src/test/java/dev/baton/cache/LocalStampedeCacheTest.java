package dev.baton.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cache without a store or locks: one instance, coalescing in this JVM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalStampedeCacheTest {

  @Test
  void callersOfOneJvmAreCoalescedOnOneLoad() throws Exception {
    try (StampedeCache<Integer, String> cache = StampedeCache.<Integer, String>builder("local")
        .ttl(Duration.ofMinutes(1)).build()) {
      int threads = 16;
      CountDownLatch arrived = new CountDownLatch(threads);
      AtomicInteger calls = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<String>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(pool.submit(() -> {
            arrived.countDown();
            return cache.get(7, key -> {
              calls.incrementAndGet();
              arrived.await(10, TimeUnit.SECONDS);
              Thread.sleep(200);
              return "seven";
            });
          }));
        }
        for (Future<String> result : results) {
          assertEquals("seven", result.get(30, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, calls.get(), "loader calls for " + threads + " callers");
      CacheStats stats = cache.stats();
      assertEquals(threads, stats.misses() + stats.localHits(), "requests: " + stats);
      assertEquals(1, stats.loads(), "loads: " + stats);
    }
  }

  @Test
  void aNullFromTheLoaderIsReturnedAndNotCachedByDefault() {
    try (StampedeCache<String, String> cache = StampedeCache.<String, String>builder("local")
        .ttl(Duration.ofMinutes(1)).build()) {
      AtomicInteger calls = new AtomicInteger();
      assertNull(cache.get("x", key -> { calls.incrementAndGet(); return null; }));
      assertNull(cache.get("x", key -> { calls.incrementAndGet(); return null; }));
      assertEquals(2, calls.get());
    }
  }

  @Test
  void buildRequiresATtlAndBuildersNameBadValues() {
    assertEquals("ttl must be set for cache local", assertThrows(IllegalStateException.class,
        () -> StampedeCache.builder("local").build()).getMessage());
    StampedeCache.Builder<Object, Object> b = StampedeCache.builder("local");
    assertEquals("ttlJitter must not be negative: PT-0.001S", assertThrows(
        IllegalArgumentException.class, () -> b.ttlJitter(Duration.ofMillis(-1))).getMessage());
    assertEquals("localMaximumSize must be positive: 0", assertThrows(
        IllegalArgumentException.class, () -> b.localMaximumSize(0)).getMessage());
    assertEquals("earlyRefresh beta must be finite and at least 0: NaN", assertThrows(
        IllegalArgumentException.class, () -> b.earlyRefresh(Double.NaN)).getMessage());
    assertEquals("loaderTimeout must be positive: PT-1S", assertThrows(
        IllegalArgumentException.class, () -> b.loaderTimeout(Duration.ofSeconds(-1))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> StampedeCache.builder("x:y")).getMessage().contains("x:y"));
  }

  @Test
  void storedEntriesRoundTripAndForeignBytesAreRejected() {
    StoredEntry value = new StoredEntry(new byte[] {1, 2, 3}, 123_456L, 789L);
    StoredEntry read = StoredEntry.fromBytes(value.toBytes());
    assertArrayEquals(value.value(), read.value());
    assertEquals(123_456L, read.expiresAtMillis());
    assertEquals(789L, read.loadNanos());
    StoredEntry absent = StoredEntry.fromBytes(new StoredEntry(null, 5L, 6L).toBytes());
    assertTrue(absent.absent());
    assertThrows(IllegalArgumentException.class, () -> StoredEntry.fromBytes(new byte[] {'{', '}'}));
  }
}
