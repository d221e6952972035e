package dev.baton.locks.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.ManualTicker;
import dev.baton.locks.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, item 10: keep-alive renewals that fall due together share one store call
 * ({@link AbstractLockProvider#renewAll}), and a batched renewal keeps every rule of a single
 * one: a lease the store no longer holds is lost, an outage keeps the earlier deadline, a
 * renewal that comes back after the deadline is undone, and a lease busy with an extend is
 * renewed on its own rather than blocking its batch.
 */
@Timeout(60)
class BatchedRenewalTest {
  private static final Duration LEASE = Duration.ofMillis(1500);
  private final List<ScriptedStore> stores = new ArrayList<>();

  @AfterEach
  void close() {
    stores.forEach(ScriptedStore::close);
  }

  private ScriptedStore store(Ticker ticker, int batchSize) {
    return store(ticker, ticker, batchSize);
  }

  private ScriptedStore store(Ticker ticker, Ticker storeClock, int batchSize) {
    ScriptedStore store = new ScriptedStore(ticker, storeClock, List.of());
    store.batchSize = batchSize;
    stores.add(store);
    return store;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  private static int sum(List<Integer> sizes) {
    return sizes.stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void renewalsDueTogetherShareOneStoreCall() throws Exception {
    ScriptedStore store = store(Ticker.system(), 100);
    AtomicInteger lost = new AtomicInteger();
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      leases.add(store.tryAcquire("batch-" + i, LEASE).orElseThrow().onLost(lost::incrementAndGet).keepAlive());
    }
    await(() -> sum(store.batches) >= 900, "three rounds of renewals");
    assertEquals(0, lost.get(), "kept-alive leases lost");
    assertEquals(0, store.renewCalls.get(), "single renewals made although the store batches");
    int calls = store.batches.size();
    int renewals = sum(store.batches);
    assertTrue(calls * 10 <= renewals, renewals + " renewals took " + calls + " store calls");
    assertTrue(store.batches.stream().allMatch(size -> size <= 100), "a batch above its size: " + store.batches);
    for (Lease lease : leases) {
      assertTrue(lease.isValid(), lease + " is not valid");
      assertTrue(lease.release(), lease + " could not be released");
    }
  }

  @Test
  void aLeaseTheStoreDroppedIsLostInItsBatchAndTheOthersAreRenewed() throws Exception {
    ScriptedStore store = store(Ticker.system(), 50);
    AtomicInteger lostDropped = new AtomicInteger();
    AtomicInteger lostOthers = new AtomicInteger();
    Lease dropped = store.tryAcquire("dropped", LEASE).orElseThrow()
        .onLost(lostDropped::incrementAndGet).keepAlive();
    List<Lease> others = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      others.add(store.tryAcquire("kept-" + i, LEASE).orElseThrow().onLost(lostOthers::incrementAndGet).keepAlive());
    }
    store.drop("dropped");
    await(() -> lostDropped.get() == 1, "the dropped lease's onLost");
    assertFalse(dropped.isValid());
    int before = sum(store.batches);
    await(() -> sum(store.batches) >= before + 40, "two more rounds of the others");
    assertEquals(0, lostOthers.get(), "leases lost with the dropped one");
    for (Lease lease : others) {
      assertTrue(lease.isValid(), lease + " is not valid");
    }
  }

  @Test
  void aFailedBatchKeepsEveryLeaseUntilItsDeadlineAndTheNextBatchRenews() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ScriptedStore store = store(ticker, 50);
    AtomicInteger lost = new AtomicInteger();
    store.failBatch = true;
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      leases.add(store.tryAcquire("outage-" + i, LEASE).orElseThrow().onLost(lost::incrementAndGet).keepAlive());
    }
    await(() -> store.batches.size() >= 2, "two failed batches");
    assertEquals(0, lost.get(), "a failed renewal ended leases whose deadline had not passed");
    for (Lease lease : leases) {
      assertTrue(lease.isValid(), lease + " is not valid although its deadline has not passed");
    }
    store.failBatch = false;
    ticker.advance(Duration.ofMillis(1000));
    int failed = store.batches.size();
    await(() -> store.batches.size() >= failed + 2, "renewals after the outage");
    ticker.advance(Duration.ofMillis(1000)); // past the grant's first deadline
    for (Lease lease : leases) {
      assertTrue(lease.isValid(), lease + " was not renewed after the outage");
    }
    assertEquals(0, lost.get());
  }

  @Test
  void aBatchTheStoreConfirmsAfterTheDeadlineIsUndone() throws Exception {
    ManualTicker ticker = new ManualTicker();
    // The store's clock stands still: only this JVM pauses, so the store keeps the renewal.
    ScriptedStore store = store(ticker, new ManualTicker(), 50);
    AtomicInteger lost = new AtomicInteger();
    store.afterBatch = () -> ticker.advance(Duration.ofSeconds(5)); // a pause inside the call
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      leases.add(store.tryAcquire("late-" + i, LEASE).orElseThrow().onLost(lost::incrementAndGet).keepAlive());
    }
    await(() -> lost.get() == 10, "every lease of the late batch lost");
    for (Lease lease : leases) {
      assertFalse(lease.isValid());
      assertFalse(store.storeHolds(lease.name()), "the late renewal of " + lease + " was left at the store");
    }
  }

  @Test
  void aLeaseBusyWithAnExtendIsRenewedOnItsOwnWithoutHoldingUpItsBatch() throws Exception {
    ScriptedStore store = store(Ticker.system(), 50);
    CountDownLatch inExtend = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    store.afterRenew = (name, time) -> {
      if (name.equals("busy") && time.equals(Duration.ofSeconds(3))) {
        inExtend.countDown();
        letGo.await(20, TimeUnit.SECONDS);
      }
    };
    AtomicInteger lost = new AtomicInteger();
    Lease busy = store.tryAcquire("busy", LEASE).orElseThrow().onLost(lost::incrementAndGet).keepAlive();
    List<Lease> others = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      others.add(store.tryAcquire("free-" + i, LEASE).orElseThrow().onLost(lost::incrementAndGet).keepAlive());
    }
    CompletableFuture<Boolean> extend = CompletableFuture.supplyAsync(() -> busy.extend(Duration.ofSeconds(3)));
    assertTrue(inExtend.await(20, TimeUnit.SECONDS));
    int before = sum(store.batches);
    await(() -> sum(store.batches) >= before + 20, "two rounds of the others while one lease is busy");
    letGo.countDown();
    assertTrue(extend.get(20, TimeUnit.SECONDS));
    await(() -> store.renewCalls.get() >= 2, "the busy lease renewed on its own");
    assertEquals(0, lost.get());
    assertTrue(busy.isValid());
    for (Lease lease : others) {
      assertTrue(lease.isValid(), lease + " is not valid");
    }
  }
}
