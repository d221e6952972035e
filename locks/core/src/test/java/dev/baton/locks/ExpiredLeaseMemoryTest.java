package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.spi.HeldCount;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 11 of issue 14: "acquire, run, let it expire" 200,000 times leaves nothing behind, in the
 * provider or in the store: a name that is neither held nor waited for takes no memory.
 */
@Timeout(120)
class ExpiredLeaseMemoryTest {
  private static final int LEASES = 200_000;

  @Test
  void leasesLeftToExpireTakeNoMemory() throws Exception {
    ManualTicker ticker = new ManualTicker();
    LocalLockStore store = LocalLockStore.create(ticker);
    LocalLockProvider locks = LocalLockProvider.builder().store(store).build();
    try {
      long before = usedHeapAfterGc();
      List<WeakReference<Lease>> sample = new ArrayList<>();
      for (int i = 0; i < LEASES; i++) {
        Lease lease = locks.tryAcquire("job:" + i, Duration.ofSeconds(30)).orElseThrow();
        if (i % 1000 == 0) {
          sample.add(new WeakReference<>(lease));
        }
      }
      assertEquals(LEASES, HeldCount.of(locks));
      long held = usedHeapAfterGc() - before;
      ticker.advance(Duration.ofSeconds(31));
      assertEquals(0, HeldCount.of(locks), "leases that ran out are still held by the provider");
      assertEquals(0, store.activeNames(), "names that ran out still take memory in the store");
      long after = usedHeapAfterGc() - before;
      long kept = sample.stream().filter(ref -> ref.get() != null).count();
      assertEquals(0, kept, kept + " of " + sample.size() + " sampled leases are still reachable");
      System.out.printf("[memory] %d leases held: %.1f MB; after they ran out: %.1f MB%n",
          LEASES, held / 1e6, after / 1e6);
      assertTrue(after < 8_000_000, "after " + LEASES + " leases ran out " + after / 1_000_000
          + " MB are still used (" + held / 1_000_000 + " MB while held)");
    } finally {
      locks.close();
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
