package dev.baton.benchmarks;

import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
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
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Uncontended acquire + release on Redis, one thread, against the floor of any Redis lock: two
 * round trips with the raw client (SET NX PX, then DEL), on the same server in the same run.
 * The goal is Baton within 20% of the floor. The server is the testkit's (a local redis-server
 * on loopback, or BATON_TEST_REDIS_URI).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RedisLockBenchmark {
  private static final SetParams NX_PX = SetParams.setParams().nx().px(30_000);

  private RedisLockProvider locks;
  private UnifiedJedis raw;

  @Setup
  public void setUp() {
    String uri = RedisServer.shared().uri();
    locks = RedisLockProvider.create(uri);
    raw = RedisClient.create(uri);
  }

  @TearDown
  public void tearDown() {
    locks.close();
    raw.close();
  }

  @Benchmark
  public long batonRedis() {
    return LockCycle.acquireAndRelease(locks, "bench");
  }

  @Benchmark
  public long rawJedisTwoRoundTrips() {
    String ok = raw.set("bench-raw", "owner", NX_PX);
    if (ok == null) {
      throw new IllegalStateException("raw key held");
    }
    return raw.del("bench-raw");
  }
}
