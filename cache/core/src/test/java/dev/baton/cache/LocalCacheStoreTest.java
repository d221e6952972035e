package dev.baton.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LocalLockStore;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-JVM store: caches sharing it behave as instances of one fleet. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalCacheStoreTest {
  static final CacheCodec<String> UTF8 = new CacheCodec<>() {
    @Override
    public byte[] encode(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  private static StampedeCache<String, String> instance(LocalCacheStore store, LocalLockStore locks) {
    return StampedeCache.<String, String>builder("photos")
        .ttl(Duration.ofMinutes(5))
        .store(store, UTF8)
        .locks(LocalLockProvider.builder().store(locks).build())
        .lockWait(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void fourInstancesSharingTheStoreLoadAColdKeyOnce() throws Exception {
    int instances = 4;
    int threads = 16;
    try (LocalCacheStore store = new LocalCacheStore()) {
      LocalLockStore locks = LocalLockStore.create();
      List<StampedeCache<String, String>> caches = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        caches.add(instance(store, locks));
      }
      ExecutorService pool = Executors.newFixedThreadPool(instances * threads);
      try {
        for (int round = 0; round < 3; round++) {
          String key = "photo-" + UUID.randomUUID();
          AtomicInteger calls = new AtomicInteger();
          CountDownLatch arrived = new CountDownLatch(instances * threads);
          List<Future<String>> results = new ArrayList<>();
          for (StampedeCache<String, String> cache : caches) {
            for (int t = 0; t < threads; t++) {
              results.add(pool.submit(() -> {
                arrived.countDown();
                return cache.get(key, k -> {
                  calls.incrementAndGet();
                  arrived.await(10, TimeUnit.SECONDS); // every caller is in before the load ends
                  Thread.sleep(200);
                  return "oak for " + k;
                });
              }));
            }
          }
          for (Future<String> result : results) {
            assertEquals("oak for " + key, result.get(60, TimeUnit.SECONDS));
          }
          assertEquals(1, calls.get(), "loader calls for " + instances * threads + " callers");
        }
      } finally {
        pool.shutdownNow();
        caches.forEach(StampedeCache::close);
      }
    }
  }

  @Test
  void anInvalidationReachesTheOtherInstances() throws Exception {
    try (LocalCacheStore store = new LocalCacheStore()) {
      LocalLockStore locks = LocalLockStore.create();
      try (StampedeCache<String, String> a = instance(store, locks);
          StampedeCache<String, String> b = instance(store, locks)) {
        assertEquals("v1", a.get("k", k -> "v1"));
        assertEquals("v1", b.get("k", k -> "not called: the store has it"));
        assertEquals("v1", b.getIfPresent("k").orElseThrow());
        a.invalidate("k");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.getIfPresent("k").isPresent() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertTrue(b.getIfPresent("k").isEmpty(), "the other instance still has its local copy");
        assertEquals("v2", b.get("k", k -> "v2"));
      }
    }
  }

  @Test
  void entriesExpireAndAreCopied() throws Exception {
    try (LocalCacheStore store = new LocalCacheStore()) {
      byte[] value = {1, 2, 3};
      store.put("ns", "short", value, Duration.ofMillis(50));
      store.put("ns", "long", value, Duration.ofMinutes(5));
      value[0] = 9; // the store keeps its own copy
      assertArrayEquals(new byte[] {1, 2, 3}, store.get("ns", "long").orElseThrow());
      Thread.sleep(120);
      assertTrue(store.get("ns", "short").isEmpty(), "read after its TTL");
      assertTrue(store.get("other", "long").isEmpty(), "namespaces are apart");
      store.delete("ns", "long");
      assertTrue(store.get("ns", "long").isEmpty());
    }
  }
}
