package dev.baton.cache.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cache.StampedeCache;
import dev.baton.locks.LockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An invalidation is never lost to a racing load, across two instances on a real Redis: a load
 * on instance A reads the source ("old"), is held by a latch, the source is updated and
 * instance B invalidates the key, then A's load finishes. Neither instance may serve "old"
 * afterwards (before the fix, A wrote "old" to the store and both served it for the TTL).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvalidationRaceTest {
  private final String name = "race-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(closing);
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private StampedeCache<String, String> instance() {
    String uri = RedisServer.shared().uri();
    RedisCacheStore store = RedisCacheStore.builder(uri).timeout(Duration.ofSeconds(2)).build();
    LockProvider locks = RedisLockProvider.builder(uri).timeout(Duration.ofSeconds(2)).build();
    closing.add(store);
    closing.add(locks);
    StampedeCache<String, String> cache = StampedeCache.<String, String>builder(name)
        .ttl(Duration.ofMinutes(10))
        .store(store, JacksonCodec.of(String.class))
        .locks(locks)
        .build();
    closing.add(cache);
    return cache;
  }

  @Test
  void anInvalidateOnAnotherInstanceWinsOverALoadThatReadTheSourceBeforeIt() throws Exception {
    StampedeCache<String, String> a = instance();
    StampedeCache<String, String> b = instance();
    AtomicReference<String> price = new AtomicReference<>("old");
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch write = new CountDownLatch(1);

    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> a.get("price", key -> {
      String value = price.get();
      read.countDown();
      assertTrue(write.await(20, TimeUnit.SECONDS)); // held between its read and its write
      return value;
    }));
    assertTrue(read.await(20, TimeUnit.SECONDS), "A's load read the source");
    price.set("new");
    b.invalidate("price");
    write.countDown();
    assertEquals("old", slow.get(20, TimeUnit.SECONDS), "A's load returns what it read");

    assertEquals("new", b.get("price", key -> price.get()),
        "B after A's load finished: the store must not hold A's old value");
    assertEquals("new", a.get("price", key -> price.get()),
        "A after its own load finished: neither tier may hold the old value");
  }

  @Test
  void aPutOnAnotherInstanceWinsOverALoadThatStartedBeforeIt() throws Exception {
    StampedeCache<String, String> a = instance();
    StampedeCache<String, String> b = instance();
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch write = new CountDownLatch(1);

    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> a.get("price", key -> {
      read.countDown();
      assertTrue(write.await(20, TimeUnit.SECONDS));
      return "old";
    }));
    assertTrue(read.await(20, TimeUnit.SECONDS));
    b.put("price", "put");
    write.countDown();
    assertEquals("old", slow.get(20, TimeUnit.SECONDS));
    assertEquals("put", b.get("price", key -> "loaded"), "B: the put must survive A's load");
    assertEquals("put", a.get("price", key -> "loaded"), "A: the put must survive its own load");
  }
}
