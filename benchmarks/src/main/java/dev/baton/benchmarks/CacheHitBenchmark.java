package dev.baton.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.cache.CacheLoader;
import dev.baton.cache.StampedeCache;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A hit on a hot key in the local tier, one thread, against raw Caffeine reads of the same key:
 * {@code rawCaffeine} (size-bounded, as the floor of any Caffeine read) and
 * {@code rawCaffeineExpiring} (size-bounded with a write TTL, what a plain TTL cache costs).
 * No store and no locks are involved in a hit, so none are configured. The goal: a Baton hit
 * within 1.3x of raw Caffeine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheHitBenchmark {
  private static final String KEY = "photo:42";
  private static final CacheLoader<String, String> LOADER = key -> "value of " + key;

  private StampedeCache<String, String> baton;
  private Cache<String, String> raw;
  private Cache<String, String> rawExpiring;

  @Setup
  public void setUp() {
    baton = StampedeCache.<String, String>builder("bench")
        .ttl(Duration.ofHours(1))
        .localMaximumSize(10_000)
        .build();
    baton.get(KEY, LOADER);
    raw = Caffeine.newBuilder().maximumSize(10_000).build();
    raw.put(KEY, "value of " + KEY);
    rawExpiring = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();
    rawExpiring.put(KEY, "value of " + KEY);
  }

  @TearDown
  public void tearDown() {
    baton.close();
  }

  @Benchmark
  public String batonGet() {
    return baton.get(KEY, LOADER);
  }

  @Benchmark
  public Optional<String> batonGetIfPresent() {
    return baton.getIfPresent(KEY);
  }

  @Benchmark
  public String rawCaffeine() {
    return raw.getIfPresent(KEY);
  }

  @Benchmark
  public String rawCaffeineExpiring() {
    return rawExpiring.getIfPresent(KEY);
  }
}
