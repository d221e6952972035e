package dev.baton.locks.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockEvent;
import dev.baton.locks.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 2 of issue 14: a renewal the store confirms after the local deadline passed never leaves
 * a lease that extend() called renewed while it is lost and unreleasable with the store
 * holding the name. The design: a lapsed lease is lost for good, and the late renewal is
 * undone at the store (extend returns false).
 */
@Timeout(30)
class LateRenewalTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<LockEvent> events = new CopyOnWriteArrayList<>();
  private final ScriptedStore store = new ScriptedStore(ticker, List.of(events::add));
  private final CountDownLatch applied = new CountDownLatch(1);
  private final CountDownLatch answer = new CountDownLatch(1);

  @AfterEach
  void close() {
    store.close();
  }

  private void holdRenewalsInFlight() {
    store.afterRenew = (name, time) -> {
      applied.countDown();
      answer.await(10, TimeUnit.SECONDS);
    };
  }

  @Test
  void aRenewalThatLandsAfterTheExpiryWatchDeclaredTheLossIsUndone() throws Exception {
    // 200 ms on the ticker: the expiry watch looks after about 200 ms of real time.
    Lease lease = store.tryAcquire("job", Duration.ofMillis(200)).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    CountDownLatch lost = new CountDownLatch(1);
    lease.onLost(() -> {
      lostRuns.incrementAndGet();
      lost.countDown();
    });
    holdRenewalsInFlight();
    CompletableFuture<Boolean> extend = CompletableFuture.supplyAsync(() -> lease.extend(Duration.ofSeconds(10)));
    assertTrue(applied.await(10, TimeUnit.SECONDS));
    ticker.advance(Duration.ofSeconds(1)); // the renewal is slower than the lease
    assertTrue(lost.await(10, TimeUnit.SECONDS), "the expiry watch did not report the loss");
    answer.countDown(); // the store's "renewed for 10 s" arrives now
    boolean extended = extend.get(10, TimeUnit.SECONDS);
    assertFalse(extended, "extend reported a renewal of a lease already reported lost");
    assertFalse(lease.isValid());
    assertFalse(store.storeHolds("job"), "the late renewal keeps the name taken at the store for "
        + store.storeRemaining("job") + " with no holder");
    assertFalse(lease.release());
    assertEquals(1, lostRuns.get());
    assertEquals(1, events.stream().filter(e -> e.type() == LockEvent.Type.LOST).count(), events.toString());
  }

  @Test
  void aRenewalThatLandsAfterTheDeadlineWithNobodyWatchingIsUndoneToo() throws Exception {
    ScriptedStore quiet = new ScriptedStore(ticker, List.of()); // no listener: no expiry watch
    try {
      Lease lease = quiet.tryAcquire("job", Duration.ofSeconds(5)).orElseThrow();
      quiet.afterRenew = (name, time) -> {
        applied.countDown();
        answer.await(10, TimeUnit.SECONDS);
      };
      CompletableFuture<Boolean> extend = CompletableFuture.supplyAsync(() -> lease.extend(Duration.ofSeconds(10)));
      assertTrue(applied.await(10, TimeUnit.SECONDS));
      ticker.advance(Duration.ofSeconds(6));
      assertFalse(lease.isValid(), "the deadline passed while the renewal was on its way");
      answer.countDown();
      assertFalse(extend.get(10, TimeUnit.SECONDS), "a lease that was invalid became valid again");
      assertFalse(lease.isValid());
      assertFalse(quiet.storeHolds("job"), "the late renewal was not undone at the store");
      assertFalse(lease.release());
    } finally {
      quiet.close();
    }
  }

  @Test
  void anExtendAfterTheDeadlineIsALossWithoutAStoreCall() {
    Lease lease = store.tryAcquire("job", Duration.ofSeconds(5)).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    lease.onLost(lostRuns::incrementAndGet);
    ticker.advance(Duration.ofSeconds(5));
    assertFalse(lease.extend(Duration.ofSeconds(10)));
    assertEquals(0, store.renewCalls.get(), "a lapsed lease was renewed at the store");
    assertEquals(1, lostRuns.get(), "the extend that noticed the loss runs onLost");
    assertEquals(1, store.unlockCalls.get(), "the grant of a lapsed lease is deleted at the store");
    assertFalse(lease.release());
    assertEquals(1, lostRuns.get());
  }
}
