package dev.baton.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stale-if-error during an outage: the stale value is served locally, the loader retried rarely. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaleIfErrorLocalTest {

  @Test
  void missesDuringAnOutageAreServedLocallyAndTheLoaderIsRetriedOncePerInterval() {
    FakeTime time = new FakeTime();
    try (StampedeCache<String, String> cache = StampedeCache.<String, String>builder("stale")
        .ttl(Duration.ofSeconds(10))
        .staleIfError(Duration.ofMinutes(10))
        .earlyRefresh(0)
        .ticker(time).clock(time)
        .build()) {
      AtomicInteger calls = new AtomicInteger();
      CacheLoader<String, String> down = key -> {
        calls.incrementAndGet();
        throw new IllegalStateException("the API is down");
      };
      assertEquals("v1", cache.get("k", key -> "v1"));
      time.advance(Duration.ofSeconds(11)); // expired, inside the stale window

      for (int i = 0; i < 100; i++) {
        assertEquals("v1", cache.get("k", down), "request " + i + " during the outage");
      }
      assertEquals(1, calls.get(), "loader calls for 100 misses inside one retry interval");
      assertEquals(100, cache.stats().staleServed(), "stale answers: " + cache.stats());
      assertTrue(cache.getIfPresent("k").isEmpty(), "getIfPresent returns fresh values only");

      time.advance(StampedeCache.STALE_RETRY.plusMillis(1));
      for (int i = 0; i < 100; i++) {
        assertEquals("v1", cache.get("k", down));
      }
      assertEquals(2, calls.get(), "one more loader call per retry interval");

      time.advance(StampedeCache.STALE_RETRY.plusMillis(1));
      assertEquals("v2", cache.get("k", key -> "v2"), "the API is back: the next retry loads");
      assertEquals("v2", cache.get("k", down), "and the new value is fresh");
      assertEquals(2, calls.get());

      time.advance(Duration.ofMinutes(11)); // past the stale window of v2 as well
      assertThrows(IllegalStateException.class, () -> cache.get("k", down),
          "past the stale window the failure reaches the caller");
    }
  }
}
