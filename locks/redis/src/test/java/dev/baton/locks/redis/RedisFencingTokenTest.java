package dev.baton.locks.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.testkit.RedisServer;
import dev.baton.testkit.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Fencing tokens on real servers never go backwards when the counter is lost: a restart without
 * persistence, a deleted (evicted) fence key, a promoted replica that missed the last grants.
 */
@TestServers // injects the shared RedisServer
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisFencingTokenTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final RedisKeys KEYS = new RedisKeys("baton:lock:");

  private static String unique(String what) {
    return what + "-" + UUID.randomUUID();
  }

  /** Grants and releases {@code name} {@code count} times; each token must beat the last. */
  private static long grantAfter(RedisLockProvider locks, String name, long previous, int count)
      throws InterruptedException {
    long last = previous;
    for (int i = 0; i < count; i++) {
      Lease lease = locks.tryAcquire(name, LONG, Duration.ofSeconds(10)).orElseThrow(
          () -> new AssertionError("no grant of " + name));
      assertTrue(lease.fencingToken() > last,
          "token " + lease.fencingToken() + " must be > the earlier " + last);
      last = lease.fencingToken();
      assertTrue(lease.release());
    }
    return last;
  }

  private static long serverMicros(UnifiedJedis raw) {
    @SuppressWarnings("unchecked")
    List<byte[]> time = (List<byte[]>) raw.sendCommand(Protocol.Command.TIME);
    return Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)) * 1_000_000L
        + Long.parseLong(new String(time.get(1), StandardCharsets.US_ASCII));
  }

  @Test
  void aTokenIsAtLeastTheServerClockInMicroseconds(RedisServer redis) throws Exception {
    String name = unique("clock");
    try (RedisLockProvider locks = RedisLockProvider.create(redis.uri());
        UnifiedJedis raw = RedisClient.create(redis.uri())) {
      long before = serverMicros(raw);
      Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
      long after = serverMicros(raw);
      assertTrue(lease.fencingToken() >= before && lease.fencingToken() <= after,
          "first token " + lease.fencingToken() + " not within the server's TIME " + before
              + ".." + after);
      assertEquals(Long.toString(lease.fencingToken()), raw.get(KEYS.fenceKey(name)),
          "the counter holds the last token");
      lease.release();
    }
  }

  @Test
  void tokensKeepIncreasingAcrossARestartWithoutPersistence() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisLockProvider locks = RedisLockProvider.builder(redis.uri())
            .timeout(Duration.ofMillis(500)).build()) {
      String name = unique("restart");
      long before = grantAfter(locks, name, 0, 5);
      redis.kill();
      redis.restart();
      try (UnifiedJedis raw = RedisClient.create(redis.uri())) {
        assertFalse(raw.exists(KEYS.fenceKey(name)), "the restarted Redis kept nothing");
      }
      grantAfter(locks, name, before, 3);
    }
  }

  @Test
  void tokensKeepIncreasingAfterTheFenceKeyIsEvicted(RedisServer redis) throws Exception {
    String name = unique("evicted");
    try (RedisLockProvider locks = RedisLockProvider.create(redis.uri());
        UnifiedJedis raw = RedisClient.create(redis.uri())) {
      long before = grantAfter(locks, name, 0, 5);
      assertEquals(1, raw.del(KEYS.fenceKey(name)), "the fence key existed");
      grantAfter(locks, name, before, 3);
    }
  }

  @Test
  void aCounterAheadOfTheClockIsIncrementedNotReset(RedisServer redis) throws Exception {
    // Stands for a server clock stepped back, or grants faster than one per microsecond.
    String name = unique("ahead");
    try (RedisLockProvider locks = RedisLockProvider.create(redis.uri());
        UnifiedJedis raw = RedisClient.create(redis.uri())) {
      long ahead = serverMicros(raw) + TimeUnit.DAYS.toMicros(365);
      raw.set(KEYS.fenceKey(name), Long.toString(ahead));
      Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
      assertEquals(ahead + 1, lease.fencingToken());
      lease.release();
      Lease next = locks.tryAcquire(name, LONG).orElseThrow();
      assertEquals(ahead + 2, next.fencingToken());
      next.release();
    }
  }

  @Test
  void aRetryWhoseCounterWasLostGetsAGreaterTokenNotNothing(RedisServer redis) {
    String name = unique("retry");
    try (UnifiedJedis raw = RedisClient.create(redis.uri())) {
      List<String> args = List.of("owner-1", "60000");
      long first = RedisScript.ACQUIRE.run(raw, KEYS.both(name), args);
      assertTrue(first > 0);
      assertEquals(first, RedisScript.ACQUIRE.run(raw, KEYS.both(name), args),
          "a retry by the same owner gets the same grant back");
      assertEquals(1, raw.del(KEYS.fenceKey(name)));
      long again = RedisScript.ACQUIRE.run(raw, KEYS.both(name), args);
      assertTrue(again > first, "retry after the counter was lost: " + again + " must be > " + first);
      assertTrue(RedisScript.ACQUIRE.run(raw, KEYS.both(name), List.of("owner-2", "60000")) < 0,
          "the grant is still held by owner-1");
      raw.del(KEYS.lockKey(name), KEYS.fenceKey(name));
    }
  }

  @Test
  void aPromotedReplicaThatMissedTheLastGrantsIssuesGreaterTokens() throws Exception {
    try (RedisServer primary = RedisServer.start();
        RedisServer replica = RedisServer.builder()
            .arg("--replicaof", primary.host(), Integer.toString(primary.port())).start();
        UnifiedJedis toPrimary = RedisClient.create(primary.uri());
        UnifiedJedis toReplica = RedisClient.create(replica.uri());
        RedisLockProvider onPrimary = RedisLockProvider.builder(primary.uri())
            .timeout(Duration.ofMillis(500)).build()) {
      String name = unique("failover");
      awaitLinkUp(toReplica);
      long replicated = grantAfter(onPrimary, name, 0, 3);
      assertEquals(1, toPrimary.waitReplicas(KEYS.fenceKey(name), 1, 10_000));
      // The replica applied the script's effects, not the script: it holds the same counter.
      assertEquals(Long.toString(replicated), toReplica.get(KEYS.fenceKey(name)));

      // Cut the replica off, then grant more on the primary: the replica misses these.
      toReplica.sendCommand(Protocol.Command.REPLICAOF, "NO", "ONE");
      long last = grantAfter(onPrimary, name, replicated, 3);
      assertEquals(Long.toString(replicated), toReplica.get(KEYS.fenceKey(name)),
          "the promoted replica missed the last grants");

      try (RedisLockProvider onReplica = RedisLockProvider.builder(replica.uri())
          .timeout(Duration.ofMillis(500)).build()) {
        grantAfter(onReplica, name, last, 3);
      }
    }
  }

  private static void awaitLinkUp(UnifiedJedis replica) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!replica.info("replication").contains("master_link_status:up")) {
      assertTrue(System.nanoTime() < deadline, "the replica did not sync in 30 s");
      Thread.sleep(50);
    }
  }
}
