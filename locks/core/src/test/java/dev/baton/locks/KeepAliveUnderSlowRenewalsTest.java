package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keep-alive does not depend on one slow store call: 20 leases of 2 s whose renewals each take
 * 300 ms at the store. Made one after the other on two timer threads, one round of renewals
 * would take 3 s and the later leases would run out; made on renewal threads, none is lost.
 */
@Timeout(60)
class KeepAliveUnderSlowRenewalsTest {
  private static final int LEASES = 20;

  @Test
  void twentyLeasesWithSlowRenewalsAreAllKeptAlive() throws Exception {
    FlakyProvider slow = new FlakyProvider(LocalLockStore.create(), "slow");
    slow.renewDelay = Duration.ofMillis(300);
    AtomicInteger lost = new AtomicInteger();
    List<Lease> leases = new ArrayList<>();
    try {
      for (int i = 0; i < LEASES; i++) {
        Lease lease = slow.tryAcquire("lease-" + i, Duration.ofSeconds(2)).orElseThrow();
        leases.add(lease.onLost(lost::incrementAndGet).keepAlive());
      }
      // Three rounds of renewals (one every 667 ms per lease), bounded.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (slow.renewals.get() < 3 * LEASES && lost.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, lost.get(), lost.get() + " of " + LEASES + " kept-alive leases lost after "
          + slow.renewals.get() + " renewals");
      assertTrue(slow.renewals.get() >= 3 * LEASES,
          "only " + slow.renewals.get() + " renewals in 30 s");
      for (Lease lease : leases) {
        assertTrue(lease.isValid(), lease + " is not valid");
        assertTrue(lease.release(), lease + " could not be released");
      }
    } finally {
      slow.close();
    }
  }
}
