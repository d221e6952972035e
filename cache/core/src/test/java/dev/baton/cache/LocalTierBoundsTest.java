package dev.baton.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The local tier's bounds, by entries and by weight, as {@code stats()} shows them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalTierBoundsTest {

  @Test
  void statsShowTheLocalTiersSizeAndEvictions() {
    try (StampedeCache<Integer, String> cache = StampedeCache.<Integer, String>builder("sized")
        .ttl(Duration.ofMinutes(1)).localMaximumSize(10).build()) {
      for (int i = 0; i < 100; i++) {
        cache.get(i, key -> "value " + key);
      }
      CacheStats stats = cache.stats();
      assertTrue(stats.localSize() <= 10, "local size over its bound: " + stats);
      assertEquals(100, stats.localSize() + stats.localEvictions(), "kept + evicted: " + stats);
      assertEquals(0, stats.localWeight(), "no weigher: " + stats);
    }
  }

  @Test
  void aWeigherBoundsTheLocalTierByWeight() {
    try (StampedeCache<Integer, String> cache = StampedeCache.<Integer, String>builder("weighed")
        .ttl(Duration.ofMinutes(1))
        .localMaximumWeight(1_000, String::length)
        .build()) {
      for (int i = 0; i < 100; i++) {
        cache.get(i, key -> "x".repeat(100)); // 100 "bytes" each: 10 fit
      }
      CacheStats stats = cache.stats();
      assertTrue(stats.localWeight() <= 1_000 && stats.localWeight() > 0,
          "local weight outside (0, 1000]: " + stats);
      assertTrue(stats.localSize() <= 10, "more than 10 values of weight 100 kept: " + stats);
      assertEquals(100, stats.localSize() + stats.localEvictions(), "kept + evicted: " + stats);
    }
  }

  @Test
  void aSizeAndAWeightBoundCannotBeCombined() {
    StampedeCache.Builder<Integer, String> b = StampedeCache.<Integer, String>builder("both")
        .ttl(Duration.ofMinutes(1)).localMaximumSize(10).localMaximumWeight(100, String::length);
    assertTrue(assertThrows(IllegalStateException.class, b::build).getMessage()
        .contains("localMaximumSize (10) and localMaximumWeight (100)"));
    assertEquals("localMaximumWeight must be positive: 0", assertThrows(
        IllegalArgumentException.class,
        () -> StampedeCache.<Integer, String>builder("w").localMaximumWeight(0, String::length))
        .getMessage());
  }
}
