package dev.baton.locks.etcd;

import static dev.baton.testkit.LockAssertions.assertUnavailableWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockEvent;
import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import dev.baton.testkit.DelayingProxy;
import dev.baton.testkit.EtcdServer;
import dev.baton.testkit.TestCertificate;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * etcd-specific behaviour on real servers: the key layout, FIFO queueing, what a waiter leaves
 * behind, lease moves on extend, outages, credentials and configuration. Keys are inspected with
 * a raw jetcd client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdLockProviderTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static Client raw;

  @BeforeAll
  static void rawClient() {
    raw = Client.builder().endpoints(endpoints()).build();
  }

  @AfterAll
  static void closeRawClient() {
    raw.close();
  }

  private static String[] endpoints() {
    return EtcdServer.shared().endpoints().toArray(String[]::new);
  }

  private static String unique(String what) {
    return "etcd-test/" + what + "-" + UUID.randomUUID();
  }

  /** The documented layout: {@code baton/lock/<base64url(utf8(name)), unpadded>/<lease hex>}. */
  private static String prefixOf(String namespace, String name) {
    return namespace + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "/";
  }

  private static List<KeyValue> keysUnder(String prefix) throws Exception {
    return raw.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true)
        .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build())
        .get(10, TimeUnit.SECONDS).getKvs();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /**
   * Polls (test side only) until {@code prefix} holds {@code count} keys that stay the same for
   * 300 ms, at most 20 s. A failed first attempt puts a key and revokes it a moment later; only
   * the key of a waiter that is really queued stays.
   */
  private static void awaitKeyCount(String prefix, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<Long> stable = null;
    long stableSince = 0;
    while (true) {
      List<Long> revisions = keysUnder(prefix).stream().map(KeyValue::getCreateRevision).toList();
      if (revisions.size() == count && revisions.equals(stable)) {
        if (System.nanoTime() - stableSince >= TimeUnit.MILLISECONDS.toNanos(300)) {
          return;
        }
      } else {
        stable = revisions;
        stableSince = System.nanoTime();
      }
      assertTrue(System.nanoTime() < deadline, "expected " + count + " keys under " + prefix
          + ", saw " + revisions.size());
      Thread.sleep(20);
    }
  }

  // ---------------------------------------------------------------- keys

  @Test
  void aHeldNameIsOneKeyOnItsLeaseAndTheTokenIsItsCreateRevision() throws Exception {
    String name = unique("layout");
    try (EtcdLockProvider locks = EtcdLockProvider.create(endpoints())) {
      Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
      List<KeyValue> kvs = keysUnder(prefixOf("baton/lock/", name));
      assertEquals(1, kvs.size(), "one key for one holder");
      KeyValue kv = kvs.get(0);
      assertEquals(lease.fencingToken(), kv.getCreateRevision(), "token = create revision");
      assertEquals(prefixOf("baton/lock/", name) + Long.toHexString(kv.getLease()),
          kv.getKey().toString(StandardCharsets.UTF_8), "key = prefix + lease id in hex");
      long ttl = raw.getLeaseClient().timeToLive(kv.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
          .get(10, TimeUnit.SECONDS).getGrantedTTL();
      assertEquals(60, ttl, "lease TTL = lease time in whole seconds");
      assertTrue(lease.release());
      assertTrue(keysUnder(prefixOf("baton/lock/", name)).isEmpty(), "release deleted the key");
      assertTrue(raw.getLeaseClient().timeToLive(kv.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
          .get(10, TimeUnit.SECONDS).getTTL() <= 0, "release revoked the lease");
    }
  }

  @Test
  void leaseTimeIsRoundedUpToWholeSeconds() {
    assertEquals(1, EtcdLockProvider.ttlSeconds(Duration.ofMillis(1)));
    assertEquals(1, EtcdLockProvider.ttlSeconds(Duration.ofSeconds(1)));
    assertEquals(2, EtcdLockProvider.ttlSeconds(Duration.ofMillis(1001)));
    assertEquals(2, EtcdLockProvider.ttlSeconds(Duration.ofSeconds(1).plusNanos(1)));
    assertEquals(9_000_000_000L, EtcdLockProvider.ttlSeconds(Duration.ofSeconds(Long.MAX_VALUE)));
  }

  @Test
  void namesThatArePrefixesOfEachOtherOrHoldSlashesDoNotInterfere() throws Exception {
    String base = unique("prefix");
    List<String> names = List.of(base, base + "/", base + "/b", base + "b", base + "/b/c",
        base + "?", base + ">", base + "~");
    try (EtcdLockProvider first = EtcdLockProvider.create(endpoints());
        EtcdLockProvider second = EtcdLockProvider.create(endpoints())) {
      List<Lease> leases = new ArrayList<>();
      for (String n : names) {
        leases.add(first.tryAcquire(n, LONG).orElseThrow(() -> new AssertionError("not granted: " + n)));
      }
      for (String n : names) {
        assertTrue(second.tryAcquire(n, LONG).isEmpty(), "granted twice: " + n);
        assertEquals(1, keysUnder(prefixOf("baton/lock/", n)).size(),
            "the prefix of " + n + " must hold its own key only");
      }
      // Releasing one name frees exactly that one.
      assertTrue(leases.get(0).release());
      assertTrue(second.tryAcquire(base, LONG).isPresent());
      for (String n : names.subList(1, names.size())) {
        assertTrue(second.tryAcquire(n, LONG).isEmpty(), "freed by the release of another name: " + n);
      }
    }
    assertNotEquals(EtcdKeys.encode("\uD800"), EtcdKeys.encode("?"),
        "a lone surrogate must not share the key of '?'");
    assertNotEquals(EtcdKeys.encode("\uDC00x"), EtcdKeys.encode("\uD800x"));
    assertNotEquals(EtcdKeys.encode("\uD800"), EtcdKeys.encode("\uFFFD"));
  }

  @Test
  void aWaiterThatGivesUpAndAFailedAttemptLeaveNoKeyBehind() throws Exception {
    String name = unique("nothing-left");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider holder = EtcdLockProvider.create(endpoints());
        EtcdLockProvider other = EtcdLockProvider.create(endpoints())) {
      Lease lease = holder.tryAcquire(name, LONG).orElseThrow();
      assertTrue(other.tryAcquire(name, LONG).isEmpty());
      assertEquals(1, keysUnder(prefix).size(), "a failed attempt left its key");

      assertTrue(other.tryAcquire(name, LONG, Duration.ofMillis(300)).isEmpty());
      assertEquals(1, keysUnder(prefix).size(), "a timed-out waiter left its key");

      Thread waiter = new Thread(() -> {
        try {
          other.tryAcquire(name, LONG, LONG);
        } catch (InterruptedException expected) {
          // the point of the test
        }
      });
      waiter.start();
      awaitKeyCount(prefix, 2); // the waiter is queued
      waiter.interrupt();
      waiter.join(10_000);
      assertFalse(waiter.isAlive());
      assertEquals(1, keysUnder(prefix).size(), "an interrupted waiter left its key");
      lease.release();
      assertTrue(keysUnder(prefix).isEmpty());
    }
  }

  @Test
  void closeWakesWaitersAndTheyLeaveNoKeyBehind() throws Exception {
    String name = unique("close");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider holder = EtcdLockProvider.create(endpoints())) {
      Lease lease = holder.tryAcquire(name, LONG).orElseThrow();
      EtcdLockProvider closing = EtcdLockProvider.create(endpoints());
      List<Throwable> outcomes = new CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Thread t = new Thread(() -> {
          try {
            closing.acquire(name, LONG);
            outcomes.add(new AssertionError("granted a held name"));
          } catch (Throwable e) {
            outcomes.add(e);
          }
        });
        t.start();
        threads.add(t);
      }
      awaitKeyCount(prefix, 4);
      long begin = System.nanoTime();
      closing.close();
      for (Thread t : threads) {
        t.join(10_000);
        assertFalse(t.isAlive(), "a waiter survived close");
      }
      long millis = (System.nanoTime() - begin) / 1_000_000;
      // Woken by close itself, not by the next periodic look at etcd (every 2 s here).
      assertTrue(millis < 1_000, "waiters ended " + millis + " ms after close");
      assertEquals(3, outcomes.size());
      outcomes.forEach(o -> assertInstanceOf(IllegalStateException.class, o));
      assertEquals(1, keysUnder(prefix).size(), "waiters woken by close left keys behind");
      assertTrue(lease.release());
    }
  }

  // ---------------------------------------------------------------- queue

  @Test
  void waitersAreGrantedInTheOrderTheyQueued() throws Exception {
    String name = unique("fifo");
    String prefix = prefixOf("baton/lock/", name);
    int waiters = 12;
    List<Integer> order = new CopyOnWriteArrayList<>();
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<EtcdLockProvider> providers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(waiters);
    try (EtcdLockProvider first = EtcdLockProvider.create(endpoints())) {
      Lease held = first.tryAcquire(name, LONG).orElseThrow();
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < waiters; i++) {
        EtcdLockProvider provider = EtcdLockProvider.create(endpoints());
        providers.add(provider);
        int id = i;
        futures.add(pool.submit(() -> {
          Lease lease = provider.tryAcquire(name, LONG, LONG).orElseThrow();
          if (holders.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
          }
          order.add(id);
          holders.decrementAndGet();
          lease.release();
          return null;
        }));
        awaitKeyCount(prefix, i + 2); // waiter i is queued before waiter i+1 starts
      }
      assertTrue(held.release());
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      providers.forEach(EtcdLockProvider::close);
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < waiters; i++) {
      expected.add(i);
    }
    assertEquals(expected, order, "grants must follow the queue (FIFO)");
    assertEquals(0, overlaps.get(), "two holders at once");
    assertTrue(keysUnder(prefix).isEmpty());
  }

  @Test
  void aWaiterWhosePredecessorGivesUpWatchesTheOneBeforeIt() throws Exception {
    String name = unique("skip");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider a = EtcdLockProvider.create(endpoints());
        EtcdLockProvider b = EtcdLockProvider.create(endpoints());
        EtcdLockProvider c = EtcdLockProvider.create(endpoints())) {
      Lease held = a.tryAcquire(name, LONG).orElseThrow();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Boolean> quitter = pool.submit(() -> b.tryAcquire(name, LONG, Duration.ofSeconds(2)).isPresent());
        awaitKeyCount(prefix, 2);
        Future<Long> patient = pool.submit(() -> {
          Lease lease = c.tryAcquire(name, LONG, Duration.ofSeconds(30)).orElseThrow();
          long at = System.nanoTime();
          lease.release();
          return at;
        });
        awaitKeyCount(prefix, 3);
        assertFalse(quitter.get(10, TimeUnit.SECONDS), "b gave up while a held the name");
        awaitKeyCount(prefix, 2); // b's key is gone; c now watches a's key
        long releasedAt = System.nanoTime();
        assertTrue(held.release());
        long wakeMillis = (patient.get(30, TimeUnit.SECONDS) - releasedAt) / 1_000_000;
        assertTrue(wakeMillis < 1_000, "c woke " + wakeMillis + " ms after a's release");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * The first acquisition of a new client, retried while it times out: a fresh jetcd client's
   * first call sets up its channel, which on a busy machine can outlast a short timeout.
   */
  private static Lease firstAcquisition(EtcdLockProvider provider, String name) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return provider.tryAcquire(name, LONG).orElseThrow();
      } catch (LockUnavailableException e) {
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * The put of an acquisition's key is carried out, but its answer comes after the timeout (a
   * delaying proxy holds back replies from then on): the name must be free again within about
   * one timeout, not after the 60 s TTL of the key's lease.
   */
  @Test
  void anAcquisitionAnsweredAfterTheTimeoutLeavesTheNameFree() throws Exception {
    String name = unique("late-reply");
    String endpoint = endpoints()[0];
    java.net.URI uri = java.net.URI.create(endpoint);
    try (DelayingProxy proxy = DelayingProxy.start(uri.getHost(), uri.getPort());
        EtcdLockProvider slow = EtcdLockProvider.builder("http://" + proxy.host() + ":" + proxy.port())
            .timeout(Duration.ofSeconds(1)).build();
        EtcdLockProvider other = EtcdLockProvider.create(endpoints())) {
      Lease first = firstAcquisition(slow, name); // the connection is up
      assertTrue(first.release());
      slow.beforePut = () -> proxy.delayReplies(Duration.ofSeconds(3));
      assertThrows(LockUnavailableException.class, () -> slow.tryAcquire(name, LONG));
      slow.beforePut = () -> { };
      proxy.delayReplies(Duration.ZERO);
      Lease next = other.tryAcquire(name, LONG, Duration.ofSeconds(5)).orElseThrow(
          () -> new AssertionError("the late grant still holds " + name));
      assertTrue(next.fencingToken() > first.fencingToken());
      Thread.sleep(1_000); // a background revoke must not touch the new holder's key
      assertTrue(next.extend(LONG), "the new holder still holds the name");
      assertTrue(next.release());
    }
  }

  /**
   * The release lands after a waiter's check found the holder still there and before it goes
   * back to sleep. The waiter must wake for it at once, not sleep through to its next periodic
   * check (made 20 s here, so a lost wake-up shows as a timeout).
   */
  @Test
  void aDeletionBetweenAWaitersCheckAndItsSleepWakesIt() throws Exception {
    String name = unique("check-then-sleep");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider a = EtcdLockProvider.create(endpoints());
        EtcdLockProvider b = EtcdLockProvider.create(endpoints())) {
      Lease held = firstAcquisition(a, name);
      firstAcquisition(b, unique("warm-up")).release();
      b.maxRecheckNanos = TimeUnit.SECONDS.toNanos(60); // a 60 s lease: a check every 20 s
      CountDownLatch inHook = new CountDownLatch(1);
      CountDownLatch pokerStopped = new CountDownLatch(1);
      AtomicReference<String> hookFailure = new AtomicReference<>();
      b.afterCheck = waiter -> {
        if (inHook.getCount() == 0) {
          return; // only the first check
        }
        inHook.countDown();
        try {
          if (!pokerStopped.await(10, TimeUnit.SECONDS)) {
            hookFailure.set("the poking thread did not stop");
            return;
          }
          long before = waiter.generation();
          if (!held.release()) {
            hookFailure.set("release failed");
          }
          // Hold the waiter here until the watch has reported the deletion.
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (waiter.generation() == before && System.nanoTime() < end) {
            Thread.sleep(5);
          }
          if (waiter.generation() == before) {
            hookFailure.set("the watch never reported the deletion");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<Lease> waiting = pool.submit(() -> b.tryAcquire(name, LONG, Duration.ofSeconds(50)).orElseThrow());
        awaitKeyCount(prefix, 2);
        // A spurious wake-up makes the waiter check while a still holds the name.
        Future<?> poker = pool.submit(() -> {
          try {
            while (!inHook.await(50, TimeUnit.MILLISECONDS)) {
              b.wakeWaiters();
            }
          } finally {
            pokerStopped.countDown();
          }
          return null;
        });
        poker.get(10, TimeUnit.SECONDS);
        Lease lease = waiting.get(10, TimeUnit.SECONDS); // a lost wake-up sleeps 20 s
        assertEquals(null, hookFailure.get());
        assertTrue(lease.fencingToken() > held.fencingToken());
        assertTrue(lease.release());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aWaiterOutwaitingItsOwnLeaseTimeKeepsItsPlace() throws Exception {
    String name = unique("long-wait");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider a = EtcdLockProvider.create(endpoints());
        EtcdLockProvider b = EtcdLockProvider.create(endpoints())) {
      Lease held = a.tryAcquire(name, LONG).orElseThrow();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Lease> waiter = pool.submit(() -> b.tryAcquire(name, Duration.ofSeconds(2), Duration.ofSeconds(30))
            .orElseThrow());
        awaitKeyCount(prefix, 2);
        long queuedRevision = keysUnder(prefix).get(1).getCreateRevision();
        Thread.sleep(5_000); // more than twice the waiter's 2 s lease
        List<KeyValue> kvs = keysUnder(prefix);
        assertEquals(2, kvs.size(), "the waiter's key ran out while it waited");
        assertEquals(queuedRevision, kvs.get(1).getCreateRevision(), "the waiter lost its place");
        held.release();
        Lease lease = waiter.get(10, TimeUnit.SECONDS);
        assertEquals(queuedRevision, lease.fencingToken());
        assertTrue(lease.isValid(), "granted after a long wait, the lease must be fresh");
        assertTrue(lease.remaining().toMillis() > 1_500, "remaining " + lease.remaining());
        assertTrue(lease.release());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------- renewal and loss

  @Test
  void extendingPastTheTtlMovesTheKeyToANewLeaseAndKeepsTheToken() throws Exception {
    String name = unique("move");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider locks = EtcdLockProvider.create(endpoints());
        EtcdLockProvider other = EtcdLockProvider.create(endpoints())) {
      Lease lease = locks.tryAcquire(name, Duration.ofSeconds(2)).orElseThrow();
      KeyValue before = keysUnder(prefix).get(0);
      assertTrue(lease.extend(Duration.ofSeconds(30)));
      KeyValue after = keysUnder(prefix).get(0);
      assertEquals(before.getKey(), after.getKey(), "the key stays");
      assertEquals(before.getCreateRevision(), after.getCreateRevision(), "the token stays");
      assertNotEquals(before.getLease(), after.getLease(), "the key moved to a new lease");
      assertEquals(30, raw.getLeaseClient().timeToLive(after.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
          .get(10, TimeUnit.SECONDS).getGrantedTTL());
      assertTrue(raw.getLeaseClient().timeToLive(before.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
          .get(10, TimeUnit.SECONDS).getTTL() <= 0, "the old lease was revoked");
      Thread.sleep(3_000); // past the first 2 s lease
      assertTrue(lease.isValid());
      assertTrue(other.tryAcquire(name, LONG).isEmpty(), "the moved key lost the name");
      assertTrue(lease.extend(Duration.ofSeconds(30)), "extend on the same TTL: keep-alive");
      assertTrue(lease.release());
      assertTrue(keysUnder(prefix).isEmpty());
      assertTrue(raw.getLeaseClient().timeToLive(after.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT)
          .get(10, TimeUnit.SECONDS).getTTL() <= 0, "release revoked the new lease");
    }
  }

  @Test
  void aKeyDeletedBehindTheHoldersBackIsReportedLost() throws Exception {
    String name = unique("deleted");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider locks = EtcdLockProvider.create(endpoints())) {
      CountDownLatch lost = new CountDownLatch(1);
      Lease lease = locks.tryAcquire(name, Duration.ofSeconds(3)).orElseThrow()
          .onLost(lost::countDown).keepAlive();
      raw.getKVClient().delete(bytes(prefix), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
      assertTrue(lost.await(5, TimeUnit.SECONDS), "onLost after the key was deleted");
      assertFalse(lease.isValid());
      assertFalse(lease.release());
      Lease next = locks.tryAcquire(name, LONG).orElseThrow();
      assertTrue(next.fencingToken() > lease.fencingToken());
      next.release();
    }
  }

  @Test
  void aRevokedLeaseIsReportedLostAndAKeyRecreatedByOthersIsNotTouched() throws Exception {
    String name = unique("revoked");
    String prefix = prefixOf("baton/lock/", name);
    try (EtcdLockProvider locks = EtcdLockProvider.create(endpoints())) {
      Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
      KeyValue kv = keysUnder(prefix).get(0);
      raw.getLeaseClient().revoke(kv.getLease()).get(10, TimeUnit.SECONDS);
      // Someone writes the same key again, without a lease: a new create revision.
      raw.getKVClient().put(kv.getKey(), bytes("impostor")).get(10, TimeUnit.SECONDS);
      assertFalse(lease.extend(LONG), "extend of a revoked lease");
      assertFalse(lease.isValid());
      assertFalse(lease.release());
      assertEquals("impostor", keysUnder(prefix).get(0).getValue().toString(StandardCharsets.UTF_8),
          "the owner-checked release must not delete a key it did not create");
      raw.getKVClient().delete(kv.getKey()).get(10, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- failures

  @Test
  void anUnreachableEtcdIsReportedPromptlyAndTheProviderRecovers() throws Exception {
    List<LockEvent> events = new CopyOnWriteArrayList<>();
    Duration timeout = Duration.ofMillis(1000);
    try (EtcdServer etcd = EtcdServer.start();
        EtcdLockProvider locks = EtcdLockProvider.builder(etcd.endpoint())
            .timeout(timeout).listener(events::add).build();
        EtcdLockProvider waiterSide = EtcdLockProvider.builder(etcd.endpoint()).timeout(timeout).build()) {
      Lease held = locks.tryAcquire(unique("held"), LONG).orElseThrow();
      String blocked = unique("blocked");
      Lease blocker = locks.tryAcquire(blocked, LONG).orElseThrow();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<?> waiting = pool.submit(() -> waiterSide.tryAcquire(blocked, LONG, LONG));
        Thread.sleep(300); // queued and watching

        etcd.pause(); // SIGSTOP: connections open, no answers
        long begin = System.nanoTime();
        // The waiter looks at etcd at least every 2 s; it then gets no answer within the timeout.
        Throwable waiterFailure = assertThrows(Exception.class, () -> waiting.get(15, TimeUnit.SECONDS));
        assertInstanceOf(LockUnavailableException.class, waiterFailure.getCause(), "waiter: " + waiterFailure);
        long waiterMillis = (System.nanoTime() - begin) / 1_000_000;
        assertTrue(waiterMillis < 2_000 + 2 * timeout.toMillis() + 2_000,
            "a waiter noticed the stalled etcd only after " + waiterMillis + " ms");
        assertUnavailableWithin(locks, timeout.plusSeconds(2), "etcd unreachable");
        begin = System.nanoTime();
        assertFalse(held.release(), "release against a stalled etcd");
        long releaseMillis = (System.nanoTime() - begin) / 1_000_000;
        assertTrue(releaseMillis < timeout.toMillis() + 2_000, "release took " + releaseMillis + " ms");
        etcd.resume();

        etcd.kill(); // connection refused
        assertUnavailableWithin(locks, timeout.plusSeconds(2), "etcd unreachable");
        assertTrue(events.stream().anyMatch(e -> e.type() == LockEvent.Type.STORE_DOWN),
            "STORE_DOWN events: " + events);

        etcd.restart();
        // Until the client has reconnected, an attempt is answered promptly with the outage (as
        // it must be); recovery is the first attempt that succeeds, within a bounded time.
        Lease back = null;
        long recoverBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        LockUnavailableException lastOutage = null;
        while (back == null && System.nanoTime() < recoverBy) {
          try {
            back = locks.tryAcquire(unique("back"), LONG, Duration.ofSeconds(5)).orElse(null);
          } catch (LockUnavailableException stillDown) {
            lastOutage = stillDown;
            Thread.sleep(200);
          }
        }
        if (back == null) {
          throw new AssertionError("no recovery within 20 s after etcd came back", lastOutage);
        }
        assertTrue(back.fencingToken() > blocker.fencingToken(), "revisions survive a restart");
        assertTrue(back.release());
      } finally {
        pool.shutdownNow();
      }
    }
  }


  @Test
  void aStoreThatNeverAnsweredIsReportedWithinTheTimeout() {
    // A port nobody listens on: connection refused from the first call on.
    try (EtcdLockProvider locks = EtcdLockProvider.builder("http://127.0.0.1:1")
        .timeout(Duration.ofMillis(800)).build()) {
      assertUnavailableWithin(locks, Duration.ofSeconds(3), "etcd unreachable");
    }
  }

  @Test
  void locksOverTlsWithAClientThatTrustsTheServer() throws Exception {
    TestCertificate certificate = TestCertificate.create();
    try (EtcdServer etcd = EtcdServer.builder().tls(certificate).start()) {
      assertTrue(etcd.endpoint().startsWith("https://"), etcd.endpoint());
      try (Client client = Client.builder().endpoints(etcd.endpoint())
              .sslContext(ssl -> ssl.trustManager(certificate.certificatePem().toFile()))
              .build();
          EtcdLockProvider locks = EtcdLockProvider.builder(client).build();
          EtcdLockProvider other = EtcdLockProvider.builder(client).build()) {
        String name = unique("tls");
        Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
        assertTrue(other.tryAcquire(name, LONG).isEmpty(), "excludes over TLS");
        assertTrue(lease.release());
      }
      // Without the certificate in its trust store the client cannot connect: reported as such.
      try (EtcdLockProvider untrusted = EtcdLockProvider.builder(etcd.endpoint())
          .timeout(Duration.ofMillis(800)).build()) {
        assertThrows(LockException.class, () -> untrusted.tryAcquire(unique("tls"), LONG));
      }
    }
  }

  @Test
  void httpsEndpointsSpeakTls() {
    // Against a plaintext etcd the TLS handshake fails: proof that https turns TLS on (without
    // it the call would simply succeed), reported as an outage within the timeout, not a hang.
    String https = EtcdServer.shared().endpoint().replace("http://", "https://");
    try (EtcdLockProvider locks = EtcdLockProvider.builder(https).timeout(Duration.ofMillis(800)).build()) {
      assertUnavailableWithin(locks, Duration.ofSeconds(3), "etcd unreachable");
    }
  }

  @Test
  void userAndPassword() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      try (Client admin = Client.builder().endpoints(etcd.endpoint()).build()) {
        var auth = admin.getAuthClient();
        auth.roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
        auth.userAdd(bytes("root"), bytes("rootpw")).get(10, TimeUnit.SECONDS);
        auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
        auth.roleAdd(bytes("locker")).get(10, TimeUnit.SECONDS);
        auth.roleGrantPermission(bytes("locker"), bytes("baton/lock/"), bytes("baton/lock0"),
            io.etcd.jetcd.auth.Permission.Type.READWRITE).get(10, TimeUnit.SECONDS);
        auth.userAdd(bytes("app"), bytes("s3cret")).get(10, TimeUnit.SECONDS);
        auth.userGrantRole(bytes("app"), bytes("locker")).get(10, TimeUnit.SECONDS);
        auth.authEnable().get(10, TimeUnit.SECONDS);
      }
      try (EtcdLockProvider locks = EtcdLockProvider.builder(etcd.endpoint())
          .user("app", "s3cret").timeout(Duration.ofSeconds(2)).build()) {
        String name = unique("auth");
        Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
        Lease waited = null;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (EtcdLockProvider second = EtcdLockProvider.builder(etcd.endpoint())
            .user("app", "s3cret").build()) {
          Future<Lease> waiter = pool.submit(() -> second.tryAcquire(name, LONG, Duration.ofSeconds(20)).orElseThrow());
          Thread.sleep(300);
          assertTrue(lease.release());
          waited = waiter.get(20, TimeUnit.SECONDS);
          assertTrue(waited.fencingToken() > lease.fencingToken());
          assertTrue(waited.release());
        } finally {
          pool.shutdownNow();
        }
      }
      try (EtcdLockProvider wrong = EtcdLockProvider.builder(etcd.endpoint())
          .user("app", "wrong").timeout(Duration.ofSeconds(2)).build()) {
        LockException e = assertThrows(LockException.class, () -> wrong.tryAcquire(unique("auth"), LONG));
        assertFalse(e instanceof LockUnavailableException, "bad credentials are not an outage: " + e);
        assertFalse(e.getMessage().contains("wrong"), "the password must not leak: " + e.getMessage());
      }
      try (EtcdLockProvider outside = EtcdLockProvider.builder(etcd.endpoint())
          .user("app", "s3cret").namespace("elsewhere/").timeout(Duration.ofSeconds(2)).build()) {
        LockException e = assertThrows(LockException.class, () -> outside.tryAcquire(unique("auth"), LONG));
        assertFalse(e instanceof LockUnavailableException, "a denied permission is not an outage: " + e);
      }
    }
  }

  @Test
  void anExistingClientAndANamespaceAreUsedAndTheClientIsNotClosed() throws Exception {
    try (Client client = Client.builder().endpoints(endpoints()).build()) {
      String name = unique("client");
      try (EtcdLockProvider locks = EtcdLockProvider.builder(client).namespace("app/locks/")
          .storeName("etcd-main").build()) {
        Lease lease = locks.tryAcquire(name, LONG).orElseThrow();
        assertEquals("etcd-main", lease.store());
        assertEquals(1, keysUnder(prefixOf("app/locks/", name)).size(), "the namespace is used");
        assertTrue(keysUnder(prefixOf("baton/lock/", name)).isEmpty());
        try (EtcdLockProvider defaults = EtcdLockProvider.create(endpoints())) {
          assertTrue(defaults.tryAcquire(name, LONG).isPresent(), "other namespaces do not exclude");
        }
        lease.release();
      }
      assertEquals(0, client.getKVClient().get(bytes(prefixOf("app/locks/", name)),
          GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getCount(),
          "closing the provider must not close the caller's client");
    }
  }

  @Test
  void rejectsBadConfiguration() {
    for (String bad : List.of("localhost:2379", "ftp://localhost:2379", "http://localhost",
        "http://user:pw@localhost:2379", "http://localhost:2379/v3", "http//bad", "://x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> EtcdLockProvider.create(bad), bad);
      assertTrue(e.getMessage().contains("\"" + bad + "\""), "message names the value: " + e.getMessage());
    }
    IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
        () -> EtcdLockProvider.create("http://a:2379", "https://b:2379"));
    assertTrue(mixed.getMessage().contains("https://b:2379"), mixed.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, EtcdLockProvider::create);
    assertTrue(none.getMessage().contains("endpoint"), none.getMessage());
    assertThrows(NullPointerException.class, () -> EtcdLockProvider.create((String) null));
    assertThrows(NullPointerException.class, () -> EtcdLockProvider.create((String[]) null));
    assertThrows(NullPointerException.class, () -> EtcdLockProvider.builder((Client) null));

    EtcdLockProvider.Builder builder = EtcdLockProvider.builder("http://127.0.0.1:2379");
    IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
        () -> builder.timeout(Duration.ZERO));
    assertTrue(timeout.getMessage().contains("PT0S"), timeout.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.timeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> builder.namespace(""));
    IllegalArgumentException user = assertThrows(IllegalArgumentException.class, () -> builder.user(" ", "pw"));
    assertTrue(user.getMessage().contains("\" \""), user.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.storeName(""));
    assertThrows(NullPointerException.class, () -> builder.ticker(null));
    assertThrows(NullPointerException.class, () -> builder.listener(null));
    try (Client client = Client.builder().endpoints("http://127.0.0.1:2379").build()) {
      assertThrows(IllegalStateException.class,
          () -> EtcdLockProvider.builder(client).user("app", "pw"));
    }
  }

  @Test
  void aHundredWaitersOnOneNameAreServedOneByOne() throws Exception {
    String name = unique("crowd");
    int waiters = 100;
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicReference<Long> lastToken = new AtomicReference<>(0L);
    AtomicInteger regressions = new AtomicInteger();
    try (EtcdLockProvider locks = EtcdLockProvider.create(endpoints())) {
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
            if (lastToken.getAndSet(lease.fencingToken()) >= lease.fencingToken()) {
              regressions.incrementAndGet();
            }
            holders.decrementAndGet();
            lease.release();
            return null;
          }));
        }
        awaitKeyCount(prefixOf("baton/lock/", name), waiters + 1);
        assertTrue(first.release());
        for (Future<?> future : futures) {
          future.get(90, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertEquals(0, overlaps.get(), "two holders at once");
    assertEquals(0, regressions.get(), "a token not above the previous one");
    assertTrue(keysUnder(prefixOf("baton/lock/", name)).isEmpty());
  }
}
