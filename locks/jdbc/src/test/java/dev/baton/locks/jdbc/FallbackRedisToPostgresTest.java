package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.FallbackLockProvider;
import dev.baton.locks.Lease;
import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fallback to a second shared store keeps exclusion across instances: two providers (two
 * "instances") on a real Redis primary that falls back to a real PostgreSQL, with the Redis
 * server killed or frozen (SIGSTOP) under them. Redis is this test's own server, not the shared
 * one, since it is faulted.
 */
@Timeout(180)
class FallbackRedisToPostgresTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final RedisServer redis = RedisServer.start();

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private static FallbackLockProvider instance() {
    return FallbackLockProvider.builder(
            RedisLockProvider.builder(redis.uri()).timeout(Duration.ofMillis(500)).build(),
            JdbcLockProvider.builder(Databases.postgres()).build())
        .switchAfter(Duration.ofMillis(300))
        .probeInterval(Duration.ofMillis(100))
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"kill", "freeze"})
  void exclusionHoldsAcrossInstancesWhileRedisIsDown(String fault) throws Exception {
    String name = "fallback-" + UUID.randomUUID();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (FallbackLockProvider a = instance(); FallbackLockProvider b = instance()) {
      Lease onRedis = a.tryAcquire(name, LEASE).orElseThrow();
      assertEquals("redis", onRedis.store());
      assertTrue(b.tryAcquire(name, LEASE).isEmpty(), "Redis itself does not exclude");
      assertTrue(onRedis.release());

      if (fault.equals("kill")) {
        redis.kill();
      } else {
        redis.pause();
      }
      try {
        awaitFallback(a);
        awaitFallback(b);

        Lease held = a.tryAcquire(name, LEASE).orElseThrow();
        assertEquals("postgresql", held.store());
        assertTrue(b.tryAcquire(name, LEASE).isEmpty(),
            "instance B was granted through PostgreSQL the name instance A holds there");
        assertTrue(b.tryAcquire(name, LEASE, Duration.ofMillis(300)).isEmpty());
        assertTrue(held.release());

        // Both instances, two threads each, take turns; never two holders at once.
        AtomicInteger occupancy = new AtomicInteger();
        AtomicInteger maxOccupancy = new AtomicInteger();
        List<Future<Integer>> workers = new ArrayList<>();
        for (FallbackLockProvider instance : List.of(a, b, a, b)) {
          workers.add(threads.submit(() -> {
            int grants = 0;
            for (int round = 0; round < 15; round++) {
              Optional<Lease> lease = instance.tryAcquire(name, LEASE, Duration.ofSeconds(20));
              if (lease.isEmpty()) {
                continue;
              }
              grants++;
              maxOccupancy.accumulateAndGet(occupancy.incrementAndGet(), Math::max);
              Thread.sleep(3);
              occupancy.decrementAndGet();
              lease.get().release();
            }
            return grants;
          }));
        }
        int grants = 0;
        for (Future<Integer> worker : workers) {
          grants += worker.get(120, TimeUnit.SECONDS);
        }
        assertTrue(grants > 0, "no worker got the name through the fallback");
        assertEquals(1, maxOccupancy.get(),
            "two holders at once across instances on the fallback (" + grants + " grants)");
        assertTrue(a.isOnFallback() && b.isOnFallback());
      } finally {
        if (fault.equals("kill")) {
          redis.restart();
        } else {
          redis.resume();
        }
      }
      awaitPrimary(a);
      awaitPrimary(b);
      assertEquals("redis", a.tryAcquire(name, LEASE).orElseThrow().store());
    } finally {
      threads.shutdownNow();
    }
  }

  /** Calls until the provider switched: the first failures only start the outage. */
  private static void awaitFallback(FallbackLockProvider locks) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!locks.isOnFallback() && System.nanoTime() < deadline) {
      try {
        locks.tryAcquire("trigger-" + UUID.randomUUID(), Duration.ofSeconds(1)).ifPresent(Lease::release);
      } catch (LockUnavailableException expected) {
        Thread.sleep(50);
      }
    }
    assertTrue(locks.isOnFallback(), "not on the fallback 30 s after Redis went down");
  }

  private static void awaitPrimary(FallbackLockProvider locks) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (locks.isOnFallback() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(!locks.isOnFallback(), "still on the fallback 30 s after Redis came back");
  }
}
