package dev.baton.locks.redis;

import static dev.baton.testkit.LockAssertions.assertUnavailableWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockEvent;
import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import dev.baton.testkit.DelayingProxy;
import dev.baton.testkit.RedisCluster;
import dev.baton.testkit.RedisServer;
import dev.baton.testkit.TestCertificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Redis-specific behaviour on real servers: failures, credentials, keys, connections. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisLockProviderTest {
  private static final Duration LONG = Duration.ofSeconds(60);

  private static String unique(String what) {
    return what + "-" + UUID.randomUUID();
  }

  @Test
  void keysOfANameShareOneClusterSlotWhateverTheName() {
    RedisKeys keys = new RedisKeys("baton:lock:");
    for (String name : List.of("plain", "{tag}", "a}b{c", "}", "{", "{}", "x{y}z", "ünï{cø}dé")) {
      assertEquals(JedisClusterCRC16.getSlot(keys.lockKey(name)),
          JedisClusterCRC16.getSlot(keys.fenceKey(name)), "slots of " + name);
      assertFalse(keys.lockKey(name).equals(keys.fenceKey("x")));
    }
    // Names that differ only around braces get different keys.
    assertFalse(keys.lockKey("a}:fence").equals(keys.fenceKey("a")));
  }

  @Test
  void aNameWithAnUnpairedSurrogateIsRefusedByNameAndNeverSharesTheKeyOfItsLookAlike() throws Exception {
    String base = unique("surrogate");
    try (RedisLockProvider locks = RedisLockProvider.create(RedisServer.shared().uri())) {
      Lease lookAlike = locks.tryAcquire(base + "?", LONG).orElseThrow();
      for (String bad : List.of(base + "\uD800", base + "\uDC00", base + "\uDC00\uD83D")) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> locks.tryAcquire(bad, LONG));
        assertTrue(e.getMessage().contains(base) && e.getMessage().contains("\\u"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> locks.tryAcquire(bad, LONG, Duration.ofMillis(50)));
      }
      Lease pair = locks.tryAcquire(base + "\uD83D\uDE00", LONG).orElseThrow(); // a valid pair works
      assertTrue(pair.release());
      assertTrue(lookAlike.release());
    }
  }

  @Test
  void keysShareOneSlotOnARealClusterNode() {
    try (RedisServer node = RedisServer.builder().arg("--cluster-enabled", "yes").start();
        UnifiedJedis raw = RedisClient.create(node.uri())) {
      RedisKeys keys = new RedisKeys("baton:lock:");
      for (String name : List.of("plain", "{tag}", "a}b{c", "x{y}z")) {
        Object lockSlot = raw.sendCommand(() -> "CLUSTER".getBytes(), "KEYSLOT", keys.lockKey(name));
        Object fenceSlot = raw.sendCommand(() -> "CLUSTER".getBytes(), "KEYSLOT", keys.fenceKey(name));
        assertEquals(lockSlot, fenceSlot, "CLUSTER KEYSLOT of the two keys of " + name);
        assertEquals((long) JedisClusterCRC16.getSlot(keys.lockKey(name)), lockSlot);
      }
    }
  }

  @Test
  void excludesAndWakesOnARealThreeMasterCluster() throws Exception {
    try (RedisCluster cluster = RedisCluster.start(3)) {
      Set<HostAndPort> seeds = cluster.addresses().stream().map(HostAndPort::from)
          .collect(Collectors.toSet());
      try (UnifiedJedis first = RedisClusterClient.create(seeds);
          UnifiedJedis second = RedisClusterClient.create(seeds);
          RedisLockProvider a = RedisLockProvider.builder(first).build();
          RedisLockProvider b = RedisLockProvider.builder(second).build()) {
        // Names spread over all three masters; each name's two keys sit in one slot.
        Set<Integer> masters = new HashSet<>();
        for (int i = 0; i < 30; i++) {
          String name = unique("cluster-" + i);
          masters.add(JedisClusterCRC16.getSlot(new RedisKeys("baton:lock:").lockKey(name)) * 3 / 16384);
          Lease lease = a.tryAcquire(name, LONG).orElseThrow();
          assertTrue(b.tryAcquire(name, LONG).isEmpty(), "granted twice on the cluster: " + name);
          assertTrue(lease.release());
          Lease next = b.tryAcquire(name, LONG).orElseThrow();
          assertTrue(next.fencingToken() > lease.fencingToken());
          next.release();
        }
        assertEquals(3, masters.size(), "names should land on every master");
        // A waiter on one client is woken by a release on the other (PUBLISH crosses nodes).
        String name = unique("cluster-wake");
        Lease held = a.tryAcquire(name, LONG).orElseThrow();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
          Future<Long> waiter = pool.submit(() -> {
            Lease lease = b.tryAcquire(name, LONG, Duration.ofSeconds(30)).orElseThrow();
            long at = System.nanoTime();
            lease.release();
            return at;
          });
          Thread.sleep(300);
          long releasedAt = System.nanoTime();
          held.release();
          long wakeMillis = (waiter.get(40, TimeUnit.SECONDS) - releasedAt) / 1_000_000;
          assertTrue(wakeMillis < 5_000, "woken " + wakeMillis + " ms after release: no message?");
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void aKeyDeletedBehindTheHoldersBackIsReportedLost() throws Exception {
    String name = unique("deleted");
    try (RedisLockProvider locks = RedisLockProvider.create(RedisServer.shared().uri());
        UnifiedJedis raw = RedisClient.create(RedisServer.shared().uri())) {
      CountDownLatch lost = new CountDownLatch(1);
      Lease lease = locks.tryAcquire(name, Duration.ofSeconds(1)).orElseThrow()
          .onLost(lost::countDown).keepAlive();
      assertEquals(1, raw.del(new RedisKeys("baton:lock:").lockKey(name)));
      assertTrue(lost.await(5, TimeUnit.SECONDS), "onLost after the key was deleted");
      assertFalse(lease.isValid());
      assertFalse(lease.release());
      Lease next = locks.tryAcquire(name, LONG).orElseThrow();
      assertTrue(next.fencingToken() > lease.fencingToken(), "the fencing counter survived");
      next.release();
    }
  }

  @Test
  void redisKilledAndRestartedWithoutPersistence_leaseIsLostAndTheProviderRecovers() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisLockProvider locks = RedisLockProvider.builder(redis.uri())
            .timeout(Duration.ofMillis(500)).build()) {
      String name = unique("restart");
      CountDownLatch lost = new CountDownLatch(1);
      Lease lease = locks.tryAcquire(name, Duration.ofSeconds(2)).orElseThrow()
          .onLost(lost::countDown).keepAlive();
      redis.kill();
      redis.restart();
      // The restarted Redis has no key: the next renewal finds it gone.
      assertTrue(lost.await(10, TimeUnit.SECONDS), "lease not reported lost after a restart");
      assertFalse(lease.isValid());
      Lease after = locks.tryAcquire(name, LONG, Duration.ofSeconds(10)).orElseThrow(
          () -> new AssertionError("the provider did not recover after the restart"));
      // The counter was lost with the restart; the token is still greater (see acquire.lua).
      assertTrue(after.fencingToken() > lease.fencingToken(),
          after.fencingToken() + " must be > " + lease.fencingToken());
      after.release();
    }
  }

  @Test
  void withAppendOnlyPersistenceTokensKeepIncreasingAcrossARestart() throws Exception {
    try (RedisServer redis = RedisServer.builder().appendOnly(true).arg("--appendfsync", "always").start();
        RedisLockProvider locks = RedisLockProvider.builder(redis.uri())
            .timeout(Duration.ofMillis(500)).build()) {
      String name = unique("persisted");
      long before = 0;
      for (int i = 0; i < 5; i++) {
        Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
        before = lease.fencingToken();
        lease.release();
      }
      redis.kill();
      redis.restart();
      Lease after = locks.tryAcquire(name, LONG, Duration.ofSeconds(10)).orElseThrow();
      assertTrue(after.fencingToken() > before,
          "token after restart " + after.fencingToken() + " must be > " + before);
      after.release();
    }
  }

  @Test
  void anUnreachableRedisIsReportedPromptlyAndReleaseDoesNotThrow() throws Exception {
    List<LockEvent> events = new CopyOnWriteArrayList<>();
    try (RedisServer redis = RedisServer.start();
        RedisLockProvider locks = RedisLockProvider.builder(redis.uri())
            .timeout(Duration.ofMillis(500)).listener(events::add).build()) {
      Lease held = locks.tryAcquire(unique("held"), LONG).orElseThrow();

      redis.pause(); // SIGSTOP: connections open, no answers
      assertUnavailableWithin(locks, Duration.ofSeconds(5), "Redis unreachable");
      long begin = System.nanoTime();
      assertFalse(held.release(), "release against a stalled Redis");
      assertTrue(System.nanoTime() - begin < Duration.ofSeconds(5).toNanos(), "release hung");
      redis.resume();

      redis.kill(); // connection refused
      assertUnavailableWithin(locks, Duration.ofSeconds(5), "Redis unreachable");
      assertTrue(events.stream().anyMatch(e -> e.type() == LockEvent.Type.STORE_DOWN),
          "STORE_DOWN events: " + events);

      redis.restart();
      Lease back = locks.tryAcquire(unique("back"), LONG, Duration.ofSeconds(10)).orElseThrow(
          () -> new AssertionError("no recovery after Redis came back"));
      assertTrue(back.release());
    }
  }


  /**
   * The acquire script runs, but its reply comes after the client's timeout: the caller gets
   * LockUnavailableException, and the grant its owner token got must not keep the name for the
   * whole lease (60 s here). A delaying proxy holds back every reply for 1.5 s.
   */
  @Test
  void anAcquisitionAnsweredAfterTheTimeoutLeavesTheNameFree() throws Exception {
    RedisServer redis = RedisServer.shared();
    try (DelayingProxy proxy = DelayingProxy.start(redis.host(), redis.port());
        RedisLockProvider slow = RedisLockProvider.builder(
            redis.uri().replace(redis.host() + ":" + redis.port(), proxy.host() + ":" + proxy.port()))
            .timeout(Duration.ofMillis(300)).build();
        RedisLockProvider other = RedisLockProvider.create(redis.uri());
        UnifiedJedis raw = RedisClient.create(redis.uri())) {
      for (boolean waiting : new boolean[] {false, true}) {
        String name = unique("late-reply");
        Lease warmUp = slow.tryAcquire(name, LONG).orElseThrow(); // connections are open
        assertTrue(warmUp.release());
        String fenceKey = new RedisKeys("baton:lock:").fenceKey(name);
        proxy.delayReplies(Duration.ofMillis(1_500));
        assertThrows(LockUnavailableException.class, () -> {
          if (waiting) {
            slow.tryAcquire(name, LONG, Duration.ofSeconds(5));
          } else {
            slow.tryAcquire(name, LONG);
          }
        });
        long lateToken = Long.parseLong(raw.get(fenceKey));
        assertTrue(lateToken > warmUp.fencingToken(),
            "the acquisition did reach Redis and was granted there: fence " + lateToken
                + " after the warm-up's " + warmUp.fencingToken());
        proxy.delayReplies(Duration.ZERO);
        // Free again within about one timeout, not after the 60 s lease.
        Lease next = other.tryAcquire(name, LONG, Duration.ofSeconds(3)).orElseThrow(
            () -> new AssertionError("the late grant still holds " + name));
        assertTrue(next.fencingToken() > lateToken);
        Thread.sleep(1_000); // the background release must not touch the new holder's grant
        assertTrue(next.isValid() && next.extend(LONG), "the new holder still holds the name");
        assertTrue(next.release());
      }
    }
  }

  @Test
  void aclUserAndPassword() throws Exception {
    try (RedisServer redis = RedisServer.builder().user("locker", "s3cret").start()) {
      String uri = "redis://locker:s3cret@" + redis.host() + ":" + redis.port();
      try (RedisLockProvider locks = RedisLockProvider.create(uri)) {
        Lease lease = locks.tryAcquire(unique("acl"), LONG).orElseThrow();
        assertTrue(lease.release());
      }
      String wrong = "redis://locker:wrong@" + redis.host() + ":" + redis.port();
      try (RedisLockProvider locks = RedisLockProvider.create(wrong)) {
        LockException e = assertThrows(LockException.class, () -> locks.tryAcquire(unique("acl"), LONG));
        assertFalse(e.getMessage().contains("wrong"), "the password must not leak: " + e.getMessage());
      }
    }
  }

  @Test
  void tlsWithAVerifiedCertificate() {
    TestCertificate certificate = TestCertificate.create();
    try (RedisServer redis = RedisServer.builder().tls(certificate).requirePass("pw").start()) {
      assertTrue(redis.uri().startsWith("rediss://"), redis.uri());
      try (RedisLockProvider locks = RedisLockProvider.builder(redis.uri())
          .tls(certificate.sslContext()).build()) {
        Lease lease = locks.tryAcquire(unique("tls"), LONG).orElseThrow();
        assertTrue(lease.release());
      }
      // The JVM's default trust store does not know the self-signed certificate.
      try (RedisLockProvider untrusted = RedisLockProvider.builder(redis.uri())
          .timeout(Duration.ofSeconds(1)).build()) {
        assertThrows(LockException.class, () -> untrusted.tryAcquire(unique("tls"), LONG));
      }
      // Plain TCP to the TLS port gets nowhere.
      try (RedisLockProvider plain = RedisLockProvider.builder(redis.uri().replace("rediss://", "redis://"))
          .timeout(Duration.ofSeconds(1)).build()) {
        assertThrows(LockException.class, () -> plain.tryAcquire(unique("tls"), LONG));
      }
    }
  }

  @Test
  void tlsVerifiesTheHostName() {
    // A trusted certificate that names localhost but not 127.0.0.1.
    TestCertificate localhostOnly = TestCertificate.create("dns:localhost");
    try (RedisServer redis = RedisServer.builder().tls(localhostOnly).start()) {
      try (RedisLockProvider byName = RedisLockProvider.builder(redis.uri().replace("127.0.0.1", "localhost"))
          .tls(localhostOnly.sslContext()).build()) {
        assertTrue(byName.tryAcquire(unique("tls-name"), LONG).orElseThrow().release());
      }
      try (RedisLockProvider byAddress = RedisLockProvider.builder(redis.uri())
          .tls(localhostOnly.sslContext()).timeout(Duration.ofSeconds(1)).build()) {
        LockException e = assertThrows(LockException.class,
            () -> byAddress.tryAcquire(unique("tls-name"), LONG));
        assertTrue(String.valueOf(rootCause(e).getMessage()).contains("127.0.0.1"),
            "a host-name mismatch, got: " + rootCause(e));
      }
    }
  }

  private static Throwable rootCause(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  @Test
  void aHundredWaitersDoNotExhaustAPoolOfEight() throws Exception {
    String name = unique("crowd");
    int waiters = 100;
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    try (RedisLockProvider locks = RedisLockProvider.builder(RedisServer.shared().uri())
        .maxConnections(8).build()) {
      Lease first = locks.tryAcquire(name, LONG).orElseThrow();
      ExecutorService pool = Executors.newFixedThreadPool(waiters);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
          futures.add(pool.submit(() -> {
            Lease lease = locks.tryAcquire(name, LONG, Duration.ofSeconds(90)).orElseThrow();
            if (holders.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            granted.incrementAndGet();
            holders.decrementAndGet();
            lease.release();
            return null;
          }));
        }
        Thread.sleep(500); // all hundred are waiting now, holding no connection
        assertTrue(first.release());
        for (Future<?> future : futures) {
          future.get(100, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertEquals(waiters, granted.get());
    assertEquals(0, overlaps.get(), "two holders at once");
  }

  @Test
  void anExistingClientIsUsedAndNotClosed() {
    try (UnifiedJedis client = RedisClient.create(RedisServer.shared().uri())) {
      try (RedisLockProvider locks = RedisLockProvider.builder(client).keyPrefix("app:locks:").build()) {
        String name = unique("client");
        Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
        assertEquals("redis", lease.store());
        assertTrue(client.exists("app:locks:{:" + name + "}"), "the key prefix is used");
        lease.release();
      }
      assertEquals("PONG", client.ping(), "closing the provider must not close the caller's client");
    }
  }

  @Test
  void rejectsBadConfiguration() {
    for (String bad : List.of("http://localhost:6379", "localhost:6379", "redis://:pw@/nohost")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> RedisLockProvider.create(bad));
      assertTrue(e.getMessage().contains("URI"), e.getMessage());
      assertFalse(e.getMessage().contains(":pw@"), "password shown: " + e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> RedisLockProvider.create(null));
    RedisLockProvider.Builder builder = RedisLockProvider.builder("redis://localhost:6379");
    assertThrows(IllegalArgumentException.class, () -> builder.keyPrefix("a{b"));
    IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
        () -> builder.timeout(Duration.ZERO));
    assertTrue(timeout.getMessage().contains("PT0S"), timeout.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.maxConnections(1));
  }
}
