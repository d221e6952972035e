package dev.baton.testkit;

import dev.baton.locks.FallbackLockProvider;
import dev.baton.locks.LocalLockStore;
import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import java.time.Duration;

/**
 * A fallback declared shared ({@code sharedFallback}), primary healthy, against the contract:
 * the guard and revocation rules must not change what a caller of a healthy provider sees. Its
 * switching rules are forced in {@code SharedFallbackTest} (locks/core) and its exclusion across
 * worker JVMs in the fault suite (locks/jdbc).
 */
class SharedFallbackLockProviderContractTest extends LockProviderContract {
  private final LocalLockStore primaryStore = LocalLockStore.create();
  private final LocalLockStore fallbackStore = LocalLockStore.create();

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return FallbackLockProvider.builder(
            FallbackLockProviderContractTest.local(primaryStore, "primary", ticker),
            FallbackLockProviderContractTest.local(fallbackStore, "fallback", ticker))
        .sharedFallback(Duration.ofDays(1))
        .build();
  }
}
