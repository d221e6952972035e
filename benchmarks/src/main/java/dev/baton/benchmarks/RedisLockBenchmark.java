package dev.baton.benchmarks;

import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
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
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Uncontended acquire + release on Redis, one thread, against the floor of any Redis lock: two
 * round trips with the raw client (SET NX PX, then DEL), on the same server in the same run.
 * The goal is Baton within 20% of the floor. The peers (Redisson's RLock and RFencedLock,
 * Spring Integration's RedisLockRegistry in both modes; configured in {@link Peers}) run the
 * same cycle on the same server. The server is the testkit's (a local redis-server
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
  private RedissonClient redisson;
  private RLock redissonLock;
  private RFencedLock redissonFencedLock;
  private JedisConnectionFactory springRedis;
  private RedisLockRegistry springSpin;
  private RedisLockRegistry springPubSub;
  private Lock springSpinLock;
  private Lock springPubSubLock;

  @Setup
  public void setUp() {
    String uri = RedisServer.shared().uri();
    locks = RedisLockProvider.create(uri);
    raw = RedisClient.create(uri);
    redisson = Peers.redisson(uri);
    redissonLock = redisson.getLock("bench-redisson");
    redissonFencedLock = redisson.getFencedLock("bench-redisson-fenced");
    springRedis = Peers.springRedis(uri);
    springSpin = Peers.redisLockRegistry(springRedis, RedisLockRegistry.RedisLockType.SPIN_LOCK);
    springSpinLock = springSpin.obtain("bench-spin");
    springPubSub = Peers.redisLockRegistry(springRedis, RedisLockRegistry.RedisLockType.PUB_SUB_LOCK);
    springPubSubLock = springPubSub.obtain("bench-pubsub");
  }

  @TearDown
  public void tearDown() {
    locks.close();
    raw.close();
    redisson.shutdown();
    springSpin.destroy();
    springPubSub.destroy();
    springRedis.destroy();
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

  /** Peer: Redisson's {@code RLock}, {@code tryLock(0, lease)} + {@code unlock()}. */
  @Benchmark
  public boolean redissonRLock() throws InterruptedException {
    return cycle(redissonLock);
  }

  /** Peer: Redisson's {@code RFencedLock}, with its token, + {@code unlock()}. */
  @Benchmark
  public long redissonFencedLock() throws InterruptedException {
    Long token = redissonFencedLock.tryLockAndGetToken(0, Peers.LEASE.toMillis(), TimeUnit.MILLISECONDS);
    if (token == null) {
      throw new IllegalStateException("Redisson fenced lock held");
    }
    redissonFencedLock.unlock();
    return token;
  }

  /** Peer: Spring Integration's {@code RedisLockRegistry}, spin mode. */
  @Benchmark
  public boolean springRedisLockRegistrySpin() throws InterruptedException {
    return cycle(springSpinLock);
  }

  /** Peer: Spring Integration's {@code RedisLockRegistry}, pub-sub mode. */
  @Benchmark
  public boolean springRedisLockRegistryPubSub() throws InterruptedException {
    return cycle(springPubSubLock);
  }

  static boolean cycle(Lock lock) throws InterruptedException {
    if (lock instanceof RLock r ? !r.tryLock(0, Peers.LEASE.toMillis(), TimeUnit.MILLISECONDS)
        : !lock.tryLock()) {
      throw new IllegalStateException("peer lock held: " + lock);
    }
    lock.unlock();
    return true;
  }
}
