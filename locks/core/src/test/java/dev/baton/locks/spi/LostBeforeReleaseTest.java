package dev.baton.locks.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LockEvent;
import dev.baton.locks.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 3 of issue 14: a lease that was lost runs its onLost actions and reports LOST once,
 * whoever notices first, even when its holder's release() comes before the expiry watch.
 */
@Timeout(30)
class LostBeforeReleaseTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<LockEvent> events = new CopyOnWriteArrayList<>();
  private final ScriptedStore store = new ScriptedStore(ticker, List.of(events::add));

  @AfterEach
  void close() {
    store.close();
  }

  private long count(LockEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  @Test
  void aHolderPausedPastItsDeadlineThatReleasesFirstRunsOnLost() {
    // 60 s: the expiry watch would look only after a minute of real time.
    Lease lease = store.tryAcquire("job", Duration.ofSeconds(60)).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    lease.onLost(lostRuns::incrementAndGet);
    ticker.advance(Duration.ofSeconds(61)); // the holder stood still past its lease
    assertFalse(lease.release(), "release of a lease that ran out");
    assertEquals(1, lostRuns.get(), "onLost did not run for a lease lost before its release");
    assertEquals(1, count(LockEvent.Type.LOST), events.toString());
    assertEquals(0, count(LockEvent.Type.RELEASED), events.toString());
    assertFalse(lease.release());
    AtomicInteger late = new AtomicInteger();
    lease.onLost(late::incrementAndGet);
    assertEquals(1, late.get(), "an action added after the loss runs at once");
    assertEquals(1, lostRuns.get());
  }

  @Test
  void aLeaseThatRanOutIsLostEvenIfTheStoreStillHasItsGrant() {
    ManualTicker storeClock = new ManualTicker(); // the store's grant outlasts the local deadline
    ScriptedStore lagging = new ScriptedStore(ticker, storeClock, List.of(events::add));
    try {
      Lease lease = lagging.tryAcquire("job", Duration.ofSeconds(60)).orElseThrow();
      AtomicInteger lostRuns = new AtomicInteger();
      lease.onLost(lostRuns::incrementAndGet);
      ticker.advance(Duration.ofSeconds(61));
      assertTrue(lagging.storeHolds("job"));
      assertFalse(lease.release(), "release of a lease whose deadline passed");
      assertEquals(1, lostRuns.get(), "onLost did not run for a lease lost before its release");
      assertEquals(1, count(LockEvent.Type.LOST), events.toString());
      assertFalse(lagging.storeHolds("job"), "the grant of a lease lost before release stays at the store");
    } finally {
      lagging.close();
    }
  }

  @Test
  void aReleaseTheStoreNoLongerKnowsRunsOnLost() {
    Lease lease = store.tryAcquire("job", Duration.ofSeconds(60)).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    lease.onLost(lostRuns::incrementAndGet);
    store.drop("job"); // the store ended the grant behind the holder's back
    assertFalse(lease.release());
    assertEquals(1, lostRuns.get(), "the store said the lease was gone: it was lost");
    assertEquals(1, count(LockEvent.Type.LOST), events.toString());
  }

  @Test
  void whenTheWatchGetsThereFirstReleaseDoesNotRunOnLostAgain() throws Exception {
    Lease lease = store.tryAcquire("job", Duration.ofMillis(100)).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    CountDownLatch lost = new CountDownLatch(1);
    lease.onLost(() -> {
      lostRuns.incrementAndGet();
      lost.countDown();
    });
    ticker.advance(Duration.ofSeconds(1));
    assertTrue(lost.await(10, TimeUnit.SECONDS), "the expiry watch did not run");
    assertFalse(lease.release());
    assertEquals(1, lostRuns.get());
    assertEquals(1, count(LockEvent.Type.LOST), events.toString());
  }

  @Test
  void aReleaseInTimeIsNoLoss() {
    Lease lease = store.tryAcquire("job", Duration.ofSeconds(60)).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    lease.onLost(lostRuns::incrementAndGet);
    ticker.advance(Duration.ofSeconds(30));
    assertTrue(lease.release());
    assertEquals(0, lostRuns.get());
    assertEquals(0, count(LockEvent.Type.LOST));
    assertEquals(1, count(LockEvent.Type.RELEASED));
  }
}
