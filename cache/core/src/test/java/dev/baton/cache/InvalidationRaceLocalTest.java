package dev.baton.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An invalidate (or put) wins over a load that read its source before it: the load is held
 * between its read and its write by a latch, the source changes and the key is invalidated,
 * then the load finishes. Without a store (the local tier's versions) and with the in-JVM store
 * (its leases). The Redis version, across two instances, is {@code InvalidationRaceTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvalidationRaceLocalTest {

  private static void race(StampedeCache<String, String> cache,
      Consumer<StampedeCache<String, String>> update, String expected, boolean sameInstance)
      throws Exception {
    AtomicReference<String> source = new AtomicReference<>("old");
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch write = new CountDownLatch(1);
    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> cache.get("price", key -> {
      String value = source.get();
      read.countDown();
      write.await(10, TimeUnit.SECONDS); // held between its read and its write
      return value;
    }));
    assertTrue(read.await(10, TimeUnit.SECONDS), "the load read its source");
    source.set("new");
    update.accept(cache);
    if (sameInstance) {
      // a caller after the update does not join the load that started before it
      assertEquals(expected, cache.get("price", key -> source.get()), "a get after the update");
    }
    write.countDown();
    assertEquals("old", slow.get(10, TimeUnit.SECONDS), "the slow load returns what it read");
    assertEquals(expected, cache.get("price", key -> source.get()),
        "after the slow load finished: the cache serves the updated value, not what the load read");
  }

  private static StampedeCache<String, String> localOnly() {
    return StampedeCache.<String, String>builder("race").ttl(Duration.ofMinutes(5)).build();
  }

  @Test
  void anInvalidateWinsOverAnEarlierLoadInTheLocalTier() throws Exception {
    try (StampedeCache<String, String> cache = localOnly()) {
      race(cache, c -> c.invalidate("price"), "new", true);
    }
  }

  @Test
  void aPutWinsOverAnEarlierLoadInTheLocalTier() throws Exception {
    try (StampedeCache<String, String> cache = localOnly()) {
      race(cache, c -> c.put("price", "put"), "put", true);
    }
  }

  @Test
  void anInvalidateWinsOverAnEarlierLoadInTheInJvmStore() throws Exception {
    try (LocalCacheStore store = new LocalCacheStore();
         StampedeCache<String, String> cache = StampedeCache.<String, String>builder("race")
             .ttl(Duration.ofMinutes(5)).store(store, LocalCacheStoreTest.UTF8).build();
         StampedeCache<String, String> other = StampedeCache.<String, String>builder("race")
             .ttl(Duration.ofMinutes(5)).store(store, LocalCacheStoreTest.UTF8).build()) {
      race(cache, c -> other.invalidate("price"), "new", false);
      assertEquals("new", other.get("price", key -> "new"),
          "the other instance: the slow load's old value is not in the store");
    }
  }
}
