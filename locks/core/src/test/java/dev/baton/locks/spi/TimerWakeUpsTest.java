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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, item 10: kept-alive leases cost timer wake-ups per window, not per lease. Many
 * leases due together are renewed on a few wake-ups of the provider's one renewal timer, and
 * their expiries are watched by the provider's sweep, which moves them all a window ahead at
 * once. What is counted is every task the provider's scheduler ran (renewal timer, sweeps, and
 * before this change one renewal timer and one expiry watch per lease).
 */
@Timeout(60)
class TimerWakeUpsTest {
  private static final Duration LEASE = Duration.ofMillis(1500);
  private static final int LEASES = 1000;
  private final List<ScriptedStore> stores = new ArrayList<>();

  @AfterEach
  void close() {
    stores.forEach(ScriptedStore::close);
  }

  private ScriptedStore store(Ticker ticker, int batchSize) {
    ScriptedStore store = new ScriptedStore(ticker, List.of());
    store.batchSize = batchSize;
    stores.add(store);
    return store;
  }

  private static long timerTasks(ScriptedStore store) {
    return ((ScheduledThreadPoolExecutor) store.scheduler()).getCompletedTaskCount();
  }

  private static void await(IntSupplier count, int atLeast, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count.getAsInt() < atLeast) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within 30 s: " + what + " (" + count.getAsInt() + " of " + atLeast + ")");
      }
      Thread.sleep(5);
    }
  }

  private void keepManyAlive(ScriptedStore store, IntSupplier renewals) throws InterruptedException {
    AtomicInteger lost = new AtomicInteger();
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < LEASES; i++) {
      leases.add(store.tryAcquire("wake-" + i, LEASE).orElseThrow().onLost(lost::incrementAndGet).keepAlive());
    }
    // Three rounds of renewals and more than one lease time: every lease's first deadline passed.
    await(renewals, 3 * LEASES, "three rounds of renewals");
    long tasks = timerTasks(store);
    int renewed = renewals.getAsInt();
    assertEquals(0, lost.get(), "kept-alive leases lost");
    // One round of leases acquired within a few hundred ms takes a few wake-ups of the renewal
    // timer (renewals within 2 x 75 ms share one), and the sweep runs about once a second. A
    // timer per lease made one wake-up per renewal and one expiry watch per lease time.
    assertTrue(tasks <= 60, renewed + " renewals of " + LEASES + " leases took " + tasks
        + " timer wake-ups (at most 60 expected)");
    for (Lease lease : leases) {
      assertTrue(lease.isValid(), lease + " is not valid");
    }
  }

  @Test
  void batchedRenewalsDueTogetherShareTimerWakeUps() throws Exception {
    ScriptedStore store = store(Ticker.system(), 100);
    keepManyAlive(store, () -> store.batches.stream().mapToInt(Integer::intValue).sum());
    assertEquals(0, store.renewCalls.get(), "single renewals made although the store batches");
  }

  @Test
  void singleRenewalsDueTogetherShareTimerWakeUps() throws Exception {
    ScriptedStore store = store(Ticker.system(), 1);
    keepManyAlive(store, store.renewCalls::get);
    assertTrue(store.batches.isEmpty(), "batches made although the batch size is 1");
  }

  @Test
  void anExtendThatShortensTheDeadlineMovesTheSweepEarlier() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ScriptedStore store = store(ticker, 1);
    CountDownLatch lost = new CountDownLatch(1);
    // 60 s: the sweep, armed for the first deadline, would look only after a minute.
    Lease lease = store.tryAcquire("shortened", Duration.ofSeconds(60)).orElseThrow().onLost(lost::countDown);
    assertTrue(lease.extend(Duration.ofMillis(300)));
    ticker.advance(Duration.ofSeconds(1)); // past the new deadline; the sweep is due in ~300 ms
    assertTrue(lost.await(10, TimeUnit.SECONDS), "the sweep did not notice the shortened lease run out");
    assertFalse(lease.isValid());
  }
}
