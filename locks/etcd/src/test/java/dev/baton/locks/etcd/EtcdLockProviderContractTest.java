package dev.baton.locks.etcd;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.EtcdServer;
import dev.baton.testkit.LockProviderContract;
import java.time.Duration;

/** etcd against the whole contract, on a real one-member etcd started by the testkit. */
class EtcdLockProviderContractTest extends LockProviderContract {

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return EtcdLockProvider.builder(EtcdServer.shared().endpoints().toArray(String[]::new))
        .ticker(ticker)
        .build();
  }

  /** etcd leases are whole seconds, and no shorter than its minimum TTL (2 s by default). */
  @Override
  protected Duration shortLease() {
    return Duration.ofSeconds(2);
  }

  /**
   * etcd's lessor looks for expired leases every 500 ms and then revokes them through raft; a
   * lease time that is not whole seconds is rounded up to the next second.
   */
  @Override
  protected Duration expiryGrace() {
    return Duration.ofMillis(1500);
  }
}
