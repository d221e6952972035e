package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.FallbackLockProvider;
import dev.baton.locks.Lease;
import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LocalLockStore;
import dev.baton.locks.LockEvent;
import dev.baton.locks.LockProvider;
import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The fallback provider against the contract (primary healthy), and its switching: a primary
 * that throws {@link LockUnavailableException} on demand (failure injection only; the locking
 * itself is a real local store).
 */
class FallbackLockProviderContractTest extends LockProviderContract {
  private final LocalLockStore primaryStore = LocalLockStore.create();
  private final LocalLockStore fallbackStore = LocalLockStore.create();

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return FallbackLockProvider.builder(
            local(primaryStore, "primary", ticker), local(fallbackStore, "fallback", ticker))
        .build();
  }

  private static LockProvider local(LocalLockStore store, String name) {
    return local(store, name, Ticker.system());
  }

  static LockProvider local(LocalLockStore store, String name, Ticker ticker) {
    return LocalLockProvider.builder().store(store).storeName(name).ticker(ticker).build();
  }

  @Test
  void switchesToTheFallbackWhileThePrimaryIsDownAndBackWhenItAnswers() throws Exception {
    FlakyProvider primary = new FlakyProvider(local(primaryStore, "primary"));
    List<LockEvent> events = new CopyOnWriteArrayList<>();
    FallbackLockProvider locks = FallbackLockProvider.builder(primary, local(fallbackStore, "fallback"))
        .switchAfter(Duration.ZERO) // the first failure switches (timing: FallbackLockProviderTest)
        .probeInterval(Duration.ofMillis(50))
        .listener(events::add)
        .build();
    try {
      Lease onPrimary = locks.tryAcquire(name("a"), Duration.ofSeconds(30)).orElseThrow();
      assertEquals("primary", onPrimary.store());
      assertFalse(locks.isOnFallback());

      primary.down = true;
      Lease onFallback = locks.tryAcquire(name("b"), Duration.ofSeconds(30)).orElseThrow();
      assertEquals("fallback", onFallback.store(), "the lease says which store granted it");
      assertTrue(locks.isOnFallback());
      assertEquals(1, locks.switchesToFallback());
      assertEquals(1, events.size(), "one STORE_DOWN event per switch: " + events);
      assertEquals(LockEvent.Type.STORE_DOWN, events.get(0).type());
      Lease alsoFallback = locks.tryAcquire(name("c"), Duration.ofSeconds(30), Duration.ofSeconds(1))
          .orElseThrow();
      assertEquals("fallback", alsoFallback.store());
      assertEquals(1, locks.switchesToFallback(), "staying on the fallback is not a new switch");
      // The fallback excludes like any store.
      assertTrue(locks.tryAcquire(name("b"), Duration.ofSeconds(30)).isEmpty());

      primary.down = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (locks.isOnFallback() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertFalse(locks.isOnFallback(), "the probe did not switch back within 10 s");
      assertEquals(1, locks.switchesToPrimary());
      Lease backOnPrimary = locks.tryAcquire(name("d"), Duration.ofSeconds(30)).orElseThrow();
      assertEquals("primary", backOnPrimary.store());
      // A fallback lease stays valid and releasable after the switch back.
      assertTrue(onFallback.isValid());
      assertTrue(onFallback.release());
      assertTrue(onPrimary.release());
    } finally {
      locks.close();
    }
  }

  @Test
  void bothStoresDownIsReportedAsUnavailable() {
    FlakyProvider primary = new FlakyProvider(local(primaryStore, "primary"));
    FlakyProvider fallback = new FlakyProvider(local(fallbackStore, "fallback"));
    primary.down = true;
    fallback.down = true;
    try (FallbackLockProvider locks = FallbackLockProvider.builder(primary, fallback).build()) {
      assertThrows(LockUnavailableException.class,
          () -> locks.tryAcquire(name("x"), Duration.ofSeconds(1)));
      assertThrows(LockUnavailableException.class,
          () -> locks.tryAcquire(name("x"), Duration.ofSeconds(1), Duration.ofMillis(10)));
    }
  }

  @Test
  void rejectsBadConfiguration() {
    LockProvider one = local(primaryStore, "p");
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
        () -> FallbackLockProvider.builder(one, one));
    assertTrue(same.getMessage().contains("different"));
    IllegalArgumentException interval = assertThrows(IllegalArgumentException.class,
        () -> FallbackLockProvider.builder(one, local(fallbackStore, "f")).probeInterval(Duration.ZERO));
    assertTrue(interval.getMessage().contains("PT0S"), interval.getMessage());
    one.close();
  }

  /** Delegates to a real provider, or throws as an unreachable store would. */
  private static final class FlakyProvider implements LockProvider {
    private final LockProvider delegate;
    volatile boolean down;

    FlakyProvider(LockProvider delegate) {
      this.delegate = delegate;
    }

    private void check() {
      if (down) {
        throw new LockUnavailableException("injected outage");
      }
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration leaseTime) {
      check();
      return delegate.tryAcquire(name, leaseTime);
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration leaseTime, Duration maxWait)
        throws InterruptedException {
      check();
      return delegate.tryAcquire(name, leaseTime, maxWait);
    }

    @Override
    public Lease acquire(String name, Duration leaseTime) throws InterruptedException {
      check();
      return delegate.acquire(name, leaseTime);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
