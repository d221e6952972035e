package dev.baton.cache.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cache.BreakerConfig;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.CacheHealth;
import dev.baton.cache.StampedeCache;
import dev.baton.locks.LockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.DelayingProxy;
import dev.baton.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sick store costs one breaker window of timeouts, not one per request: store and locks on a
 * real Redis behind a {@link DelayingProxy} that stalls every reply past the clients' timeout.
 * The breakers open, requests are served by the loader without touching Redis, a probe after
 * {@code openFor} (moved on a manual clock) finds Redis back and closes them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreBreakerTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final int WINDOW = 4;

  private final FakeTime time = new FakeTime();
  private final String name = "breaker-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<CacheEvent> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(closing);
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private DelayingProxy proxy() {
    RedisServer redis = RedisServer.shared();
    DelayingProxy proxy = DelayingProxy.start(redis.host(), redis.port());
    closing.add(proxy);
    return proxy;
  }

  private StampedeCache<String, String> instance(DelayingProxy proxy) {
    String uri = "redis://" + proxy.host() + ":" + proxy.port();
    RedisCacheStore store = RedisCacheStore.builder(uri).timeout(TIMEOUT).build();
    LockProvider locks = RedisLockProvider.builder(uri).timeout(TIMEOUT).build();
    closing.add(store);
    closing.add(locks);
    StampedeCache<String, String> cache = StampedeCache.<String, String>builder(name)
        .ttl(Duration.ofMinutes(10))
        .store(store, JacksonCodec.of(String.class))
        .locks(locks)
        .breaker(BreakerConfig.builder().window(WINDOW).minimumCalls(WINDOW)
            .openFor(Duration.ofSeconds(30)).build())
        .ticker(time).clock(time)
        .listener(events::add)
        .build();
    closing.add(cache);
    return cache;
  }

  /** Store or lock calls that really went to Redis and failed (not skipped by a breaker). */
  private long failedCalls() {
    return events.stream().filter(e -> e.type() == CacheEvent.Type.FALLBACK)
        .filter(e -> e.error() != null && !String.valueOf(e.error().getMessage()).contains("breaker of cache"))
        .count();
  }

  private long skippedCalls() {
    return events.stream().filter(e -> e.type() == CacheEvent.Type.FALLBACK)
        .filter(e -> e.error() != null && String.valueOf(e.error().getMessage()).contains("breaker of cache"))
        .count();
  }

  private List<String> transitions() {
    return events.stream().filter(e -> e.type().name().startsWith("BREAKER_"))
        .map(e -> e.type() + " " + e.key()).toList();
  }

  @Test
  void aStalledStoreOpensTheBreakersAndAProbeClosesThemWhenItIsBack() {
    DelayingProxy proxy = proxy();
    StampedeCache<String, String> cache = instance(proxy);
    assertEquals(new CacheHealth(CacheHealth.State.UP, CacheHealth.State.UP), cache.health());
    assertEquals("v", cache.get("warm", key -> "v"));
    assertEquals(0, failedCalls(), "healthy: " + events);

    proxy.delayReplies(Duration.ofSeconds(3)); // a black hole for 300 ms clients
    int requests = 20;
    for (int i = 0; i < requests; i++) {
      assertEquals("cold" + i + "!", cache.get("cold" + i, key -> key + "!"));
    }
    long failed = failedCalls();
    assertTrue(failed <= 2L * WINDOW, "calls that waited for the stalled Redis: " + failed
        + " for " + requests + " requests (one breaker window per tier expected); " + transitions());
    assertTrue(skippedCalls() >= requests, "calls skipped by the open breakers: " + skippedCalls());
    assertEquals(List.of("BREAKER_OPEN store", "BREAKER_OPEN locks"),
        transitions().stream().sorted(Collections.reverseOrder()).toList(), "transitions");
    assertEquals(requests + 1, cache.stats().loads(), "every request was served by the loader");
    assertEquals(2, cache.stats().breakerOpenings());
    assertEquals(CacheHealth.State.DOWN, cache.health().store());
    assertEquals(CacheHealth.State.DOWN, cache.health().locks());

    proxy.delayReplies(Duration.ZERO);
    time.advance(Duration.ofSeconds(31));
    assertEquals("back!", cache.get("back", key -> key + "!"));
    assertEquals("back!", cache.get("back", key -> "not loaded again"));
    List<String> after = transitions();
    assertTrue(after.containsAll(List.of("BREAKER_HALF_OPEN store", "BREAKER_CLOSED store",
        "BREAKER_HALF_OPEN locks", "BREAKER_CLOSED locks")), "transitions: " + after);
    assertEquals(new CacheHealth(CacheHealth.State.UP, CacheHealth.State.UP), cache.health());
    assertTrue(cache.health().isUp());

    StampedeCache<String, String> other = instance(proxy);
    assertEquals("back!", other.get("back", key -> "not loaded: in the store again"),
        "the store is written again after the probe closed the breaker");
  }

  @Test
  void aStoreFoundDownAtStartUpIsSkippedFromTheFirstRequest() {
    DelayingProxy proxy = proxy();
    proxy.delayReplies(Duration.ofSeconds(3));
    StampedeCache<String, String> cache = instance(proxy); // its ping times out once
    assertEquals(List.of("BREAKER_OPEN store"), transitions(), "transitions at start-up");
    for (int i = 0; i < 10; i++) {
      String value = "v" + i;
      assertEquals(value, cache.get("k" + i, key -> value));
    }
    long storeFailures = events.stream().filter(e -> e.type() == CacheEvent.Type.FALLBACK)
        .filter(e -> e.error() != null && !String.valueOf(e.error().getMessage()).contains("breaker of cache"))
        .filter(e -> !e.error().getClass().getName().startsWith("dev.baton.locks"))
        .count();
    assertEquals(0, storeFailures, "store calls that waited after the start-up ping: " + events);
    assertEquals(CacheHealth.State.DOWN, cache.health().store());
    assertTrue(!cache.health().isUp());
  }
}
