package dev.baton.testkit;

import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LocalLockStore;
import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;

/** The in-JVM backend against the contract: every client shares one isolated store. */
class LocalLockProviderContractTest extends LockProviderContract {
  private final LocalLockStore store = LocalLockStore.create();

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return LocalLockProvider.builder().store(store).ticker(ticker).build();
  }
}
