package dev.baton.locks.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 1 of issue 14: {@code isValid()} and {@code remaining()} never outlive the store's grant.
 * The store operation is held in flight by a latch (the window between the store applying a
 * request and the lease learning of it), and the lease is read meanwhile.
 */
@Timeout(30)
class DeadlineFollowsTheStoreTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ScriptedStore store = new ScriptedStore(ticker, List.of());

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aShorterExtendOnItsWayIsInEffectAtOnce() throws Exception {
    Lease lease = store.tryAcquire("job", Duration.ofSeconds(6)).orElseThrow();
    CountDownLatch applied = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    store.afterRenew = (name, time) -> {
      applied.countDown();
      answer.await(10, TimeUnit.SECONDS);
    };
    CompletableFuture<Boolean> extend = CompletableFuture.supplyAsync(() -> lease.extend(Duration.ofSeconds(1)));
    assertTrue(applied.await(10, TimeUnit.SECONDS));
    Duration local = lease.remaining();
    Duration atStore = store.storeRemaining("job");
    answer.countDown();
    assertTrue(local.compareTo(atStore) <= 0,
        "while the extend to 1 s was on its way the lease said " + local + ", the store grants " + atStore);
    assertTrue(extend.get(10, TimeUnit.SECONDS));
    assertTrue(lease.remaining().compareTo(store.storeRemaining("job")) <= 0);
    ticker.advance(Duration.ofSeconds(1));
    assertFalse(lease.isValid(), "valid after the store's grant of 1 s ended");
  }

  @Test
  void aFailedShorterExtendKeepsTheEarlierDeadline() {
    Lease lease = store.tryAcquire("job", Duration.ofSeconds(6)).orElseThrow();
    store.failAfterRenew = true; // the store applied 1 s, the reply was lost
    assertFalse(lease.extend(Duration.ofSeconds(1)));
    assertTrue(lease.remaining().compareTo(store.storeRemaining("job")) <= 0,
        "after a failed extend to 1 s the lease says " + lease.remaining() + ", the store grants "
            + store.storeRemaining("job"));
    ticker.advance(Duration.ofSeconds(1));
    assertFalse(lease.isValid());
  }

  @Test
  void aFailedLongerExtendKeepsTheOldDeadline() {
    Lease lease = store.tryAcquire("job", Duration.ofSeconds(6)).orElseThrow();
    Duration before = lease.remaining();
    store.failAfterRenew = true;
    assertFalse(lease.extend(Duration.ofSeconds(60)));
    assertTrue(lease.remaining().equals(before), "a failed extend moved the deadline: " + lease.remaining());
    assertTrue(lease.isValid());
  }

  @Test
  void keepAliveRenewalAndAShorterExtendEndWithTheLastStoreOperation() throws Exception {
    Lease lease = store.tryAcquire("job", Duration.ofMillis(600)).orElseThrow();
    CountDownLatch renewalApplied = new CountDownLatch(1);
    CountDownLatch renewalAnswer = new CountDownLatch(1);
    store.afterRenew = (name, time) -> {
      if (Thread.currentThread().getName().startsWith("baton-")) { // the keep-alive renewal
        renewalApplied.countDown();
        renewalAnswer.await(10, TimeUnit.SECONDS);
      }
    };
    lease.keepAlive();
    assertTrue(renewalApplied.await(10, TimeUnit.SECONDS), "no keep-alive renewal");
    CompletableFuture<Boolean> extend = CompletableFuture.supplyAsync(() -> lease.extend(Duration.ofMillis(100)));
    Thread.sleep(50); // the extend now waits for the renewal to finish
    renewalAnswer.countDown();
    assertTrue(extend.get(10, TimeUnit.SECONDS));
    Duration local = lease.remaining();
    Duration atStore = store.storeRemaining("job");
    assertTrue(local.compareTo(atStore) <= 0 && atStore.compareTo(Duration.ofMillis(100)) <= 0,
        "after the keep-alive renewal (600 ms) and then extend(100 ms) the lease says " + local
            + ", the store grants " + atStore);
    lease.release();
  }
}
