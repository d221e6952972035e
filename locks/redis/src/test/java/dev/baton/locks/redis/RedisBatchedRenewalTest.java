package dev.baton.locks.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.testkit.RedisCluster;
import dev.baton.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Issue 14, item 10, on real Redis servers: kept-alive leases due together are renewed by one
 * owner-checked script call, counted by the server ({@code INFO commandstats}); a key deleted
 * behind a lease's back loses that lease in its batch and no other; leases of different lease
 * times share a batch, each renewed for its own time; on a cluster, batches split by slot.
 */
@Timeout(120)
class RedisBatchedRenewalTest {
  private static final Duration LEASE = Duration.ofMillis(1500);

  /** Script calls (EVALSHA and EVAL) the server has run so far. */
  private static long scriptCalls(UnifiedJedis redis) {
    long calls = 0;
    for (String line : redis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        String field = line.substring(line.indexOf("calls=") + 6);
        calls += Long.parseLong(field.substring(0, field.indexOf(',')));
      }
    }
    return calls;
  }

  @Test
  void threeHundredKeptAliveLeasesTakeAFewScriptCallsPerRound() throws Exception {
    try (RedisServer server = RedisServer.start();
        UnifiedJedis admin = RedisClient.create(server.uri());
        RedisLockProvider locks = RedisLockProvider.create(server.uri())) {
      AtomicInteger lost = new AtomicInteger();
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        leases.add(locks.tryAcquire("batched-" + i, LEASE).orElseThrow()
            .onLost(lost::incrementAndGet).keepAlive());
      }
      long before = scriptCalls(admin);
      long start = System.nanoTime();
      Thread.sleep(3_000);
      long calls = scriptCalls(admin) - before;
      double renewalsDue = 300.0 * (System.nanoTime() - start) / (LEASE.toNanos() / 3.0);
      assertEquals(0, lost.get(), "kept-alive leases lost");
      // One call per renewal would be about 1,800 calls; batches of up to 256 make about 12.
      assertTrue(calls * 20 <= renewalsDue, calls + " script calls for " + (long) renewalsDue
          + " renewals due");
      for (Lease lease : leases) {
        assertTrue(lease.isValid(), lease + " is not valid");
        long ttl = admin.pttl(new RedisKeys("baton:lock:").lockKey(lease.name()));
        assertTrue(ttl > 0, lease + " has no TTL at the server: " + ttl);
        assertTrue(lease.release(), lease + " could not be released");
      }
    }
  }

  @Test
  void aKeyDeletedBehindItsLeaseLosesThatLeaseOnlyAndMixedLeaseTimesShareABatch() throws Exception {
    RedisServer server = RedisServer.shared();
    try (UnifiedJedis admin = RedisClient.create(server.uri());
        RedisLockProvider locks = RedisLockProvider.create(server.uri())) {
      String prefix = "mixed-" + System.nanoTime() + "-";
      AtomicInteger lostVictim = new AtomicInteger();
      AtomicInteger lostOthers = new AtomicInteger();
      Lease victim = locks.tryAcquire(prefix + "victim", LEASE).orElseThrow()
          .onLost(lostVictim::incrementAndGet).keepAlive();
      // All of them keep-alive on a 3 s schedule, so their first renewals go out in one batch;
      // then the even ones ask for 1.5 s: that batch mixes both lease times.
      List<Lease> others = new ArrayList<>();
      long acquired = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        others.add(locks.tryAcquire(prefix + i, Duration.ofSeconds(3)).orElseThrow()
            .onLost(lostOthers::incrementAndGet).keepAlive());
      }
      for (int i = 0; i < others.size(); i += 2) {
        assertTrue(others.get(i).extend(LEASE));
      }
      admin.del(new RedisKeys("baton:lock:").lockKey(prefix + "victim"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (lostVictim.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, lostVictim.get(), "the lease whose key was deleted was not told");
      assertFalse(victim.isValid());
      // The 3 s leases are renewed for 3 s (TTL above 1.6 s right after), the others for 1.5 s.
      // From 1.6 s on, a 3 s key that was not renewed has at most 1.4 s left.
      Thread.sleep(Math.max(0, 1_600 - (System.nanoTime() - acquired) / 1_000_000));
      RedisKeys keys = new RedisKeys("baton:lock:");
      while (!renewedFor3s(admin, keys, others) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(renewedFor3s(admin, keys, others), "the 3 s leases were not renewed for 3 s");
      for (int i = 0; i < others.size(); i += 2) {
        long ttl = admin.pttl(keys.lockKey(others.get(i).name()));
        assertTrue(ttl > 0 && ttl <= LEASE.toMillis(), others.get(i) + " has TTL " + ttl + " ms");
      }
      assertEquals(0, lostOthers.get(), "leases lost with the deleted one");
      for (Lease lease : others) {
        assertTrue(lease.isValid(), lease + " is not valid");
        assertTrue(lease.release());
      }
    }
  }

  private static boolean renewedFor3s(UnifiedJedis admin, RedisKeys keys, List<Lease> leases) {
    for (int i = 1; i < leases.size(); i += 2) {
      if (admin.pttl(keys.lockKey(leases.get(i).name())) <= 1_600) {
        return false;
      }
    }
    return true;
  }

  @Test
  void onAClusterEachBatchStaysInOneSlotAndEveryLeaseIsKeptAlive() throws Exception {
    try (RedisCluster cluster = RedisCluster.start(3)) {
      Set<HostAndPort> seeds = cluster.addresses().stream().map(HostAndPort::from)
          .collect(Collectors.toSet());
      try (UnifiedJedis client = RedisClusterClient.create(seeds);
          RedisLockProvider locks = RedisLockProvider.builder(client).build()) {
        AtomicInteger lost = new AtomicInteger();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          leases.add(locks.tryAcquire("slot-" + i, LEASE).orElseThrow()
              .onLost(lost::incrementAndGet).keepAlive());
        }
        Thread.sleep(2_500); // four renewals each; a CROSSSLOT batch would lose them all
        assertEquals(0, lost.get(), "kept-alive leases lost on the cluster");
        for (Lease lease : leases) {
          assertTrue(lease.isValid(), lease + " is not valid");
          assertTrue(lease.release());
        }
      }
    }
  }
}
