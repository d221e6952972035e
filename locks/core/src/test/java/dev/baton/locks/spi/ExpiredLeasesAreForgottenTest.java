package dev.baton.locks.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.ManualTicker;
import dev.baton.locks.Ticker;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 11 of issue 14: an unreleased lease that ran out is forgotten by its provider (the
 * ShedLock pattern "acquire, run, let it expire"): not counted, not kept in memory, and not
 * released one round trip at a time by close().
 */
@Timeout(60)
class ExpiredLeasesAreForgottenTest {

  @Test
  void closeMakesNoStoreCallForLeasesThatRanOutLongAgo() {
    ManualTicker ticker = new ManualTicker();
    ScriptedStore store = new ScriptedStore(ticker, List.of());
    for (int i = 0; i < 1000; i++) {
      store.tryAcquire("job-" + i, Duration.ofSeconds(1)).orElseThrow();
    }
    Lease kept = store.tryAcquire("kept", Duration.ofSeconds(60)).orElseThrow();
    ticker.advance(Duration.ofSeconds(2));
    store.close();
    assertEquals(1, store.unlockCalls.get(), "close() released leases that ran out long ago");
    assertFalse(kept.isValid());
  }

  @Test
  void heldCountDropsOnceLeasesRunOut() {
    ManualTicker ticker = new ManualTicker();
    ScriptedStore store = new ScriptedStore(ticker, List.of());
    try {
      for (int i = 0; i < 1000; i++) {
        store.tryAcquire("job-" + i, Duration.ofSeconds(1)).orElseThrow();
      }
      Lease kept = store.tryAcquire("kept", Duration.ofSeconds(60)).orElseThrow();
      assertEquals(1001, store.held());
      ticker.advance(Duration.ofSeconds(2));
      assertEquals(1, store.held(), "leases that ran out are still counted");
      assertTrue(kept.extend(Duration.ofSeconds(60)));
      ticker.advance(Duration.ofSeconds(59));
      assertEquals(1, store.held(), "an extended lease was forgotten at its first deadline");
      assertTrue(kept.release());
      assertEquals(0, store.held());
    } finally {
      store.close();
    }
  }

  @Test
  void aProviderForgetsRunOutLeasesWithoutAnyFurtherCall() throws Exception {
    ScriptedStore store = new ScriptedStore(Ticker.system(), List.of());
    try {
      List<WeakReference<Lease>> leases = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        leases.add(new WeakReference<>(store.tryAcquire("job-" + i, Duration.ofMillis(100)).orElseThrow()));
      }
      // Nothing calls the provider from here on: its own timer must notice the expiry.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (leases.stream().anyMatch(ref -> ref.get() != null) && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(50);
      }
      long kept = leases.stream().filter(ref -> ref.get() != null).count();
      assertEquals(0, kept, kept + " of 100 leases that ran out 20 s ago are still in memory");
      assertEquals(0, store.held());
      assertEquals(0, store.unlockCalls.get(), "forgetting needs no store call");
    } finally {
      store.close();
    }
  }

  @Test
  void aKeptAliveLeaseIsNotForgotten() throws Exception {
    ScriptedStore store = new ScriptedStore(Ticker.system(), List.of());
    try {
      Lease lease = store.tryAcquire("job", Duration.ofMillis(300)).orElseThrow().keepAlive();
      Thread.sleep(1000);
      assertTrue(lease.isValid());
      assertEquals(1, store.held(), "a renewed lease was forgotten");
      assertTrue(lease.release());
      assertEquals(0, store.held());
    } finally {
      store.close();
    }
  }
}
