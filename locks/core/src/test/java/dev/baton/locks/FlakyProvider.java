package dev.baton.locks;

import dev.baton.locks.spi.AbstractLease;
import dev.baton.locks.spi.AbstractLockProvider;
import dev.baton.locks.spi.LockArguments;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A backend built on the SPI over a real {@link LocalLockStore}, with failures and interleavings
 * injected: while {@link #down}, every store operation throws {@link LockUnavailableException};
 * with {@link #holdGrants} set, a grant made by the store waits for that latch before it is
 * returned (after counting down {@link #grantMade}); each renewal takes {@link #renewDelay}
 * before it reaches the store, and {@link #renewals} counts those that succeeded. The locking
 * itself is the real store's.
 */
final class FlakyProvider extends AbstractLockProvider {
  private final LocalLockStore store;
  volatile boolean down;
  volatile CountDownLatch holdGrants;
  volatile CountDownLatch grantMade;
  volatile Duration renewDelay = Duration.ZERO;
  final java.util.concurrent.atomic.AtomicInteger renewals = new java.util.concurrent.atomic.AtomicInteger();

  FlakyProvider(LocalLockStore store, String storeName) {
    super(storeName, store.ticker(), List.of());
    this.store = store;
  }

  private void check() {
    if (down) {
      throw new LockUnavailableException("injected outage of " + store());
    }
  }

  @Override
  protected Optional<FlakyLease> doTryAcquire(String name, Duration leaseTime, long start) {
    check();
    LocalLockStore.Grant grant = store.tryGrant(name, LockArguments.nanos(leaseTime));
    if (grant != null) {
      holdIfAsked();
    }
    return Optional.ofNullable(grant).map(g -> new FlakyLease(g, leaseTime));
  }

  @Override
  protected Optional<FlakyLease> doAwait(String name, Duration leaseTime, long deadline)
      throws InterruptedException {
    check();
    LocalLockStore.Grant grant =
        store.awaitGrant(name, LockArguments.nanos(leaseTime), deadline, this::isClosed);
    if (grant == null && isClosed()) {
      throw closedException();
    }
    return Optional.ofNullable(grant).map(g -> new FlakyLease(g, leaseTime));
  }

  @Override
  protected void wakeWaiters() {
    store.wakeAll();
  }

  private void holdIfAsked() {
    CountDownLatch hold = holdGrants;
    if (hold == null) {
      return;
    }
    grantMade.countDown();
    try {
      if (!hold.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("grant held for more than 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class FlakyLease extends AbstractLease {
    private final LocalLockStore.Grant grant;

    FlakyLease(LocalLockStore.Grant grant, Duration leaseTime) {
      super(FlakyProvider.this, grant.name, grant.token, leaseTime, grant.grantedAt);
      this.grant = grant;
    }

    @Override
    protected boolean renew(Duration leaseTime) {
      check();
      try {
        Thread.sleep(renewDelay.toMillis()); // a slow store
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LockUnavailableException("interrupted renewing " + grant.name, e);
      }
      boolean renewed = store.extend(grant, LockArguments.nanos(leaseTime));
      if (renewed) {
        renewals.incrementAndGet();
      }
      return renewed;
    }

    @Override
    protected boolean unlock() {
      check();
      return store.release(grant);
    }
  }
}
