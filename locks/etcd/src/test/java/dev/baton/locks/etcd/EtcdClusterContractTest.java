package dev.baton.locks.etcd;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.EtcdCluster;
import dev.baton.testkit.LockProviderContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;

/**
 * The whole contract on a real three-member etcd cluster: every client is given all three
 * endpoints, so its calls are spread over the members and every write goes through raft.
 */
class EtcdClusterContractTest extends LockProviderContract {
  private static EtcdCluster cluster;

  /** Started by the first test of this class, stopped after its last. */
  private static synchronized EtcdCluster cluster() {
    if (cluster == null) {
      cluster = EtcdCluster.start(3);
    }
    return cluster;
  }

  @AfterAll
  static synchronized void stopCluster() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return EtcdLockProvider.builder(cluster().endpoints().toArray(String[]::new))
        .ticker(ticker)
        .build();
  }

  @Override
  protected Duration shortLease() {
    return Duration.ofSeconds(2);
  }

  @Override
  protected Duration expiryGrace() {
    return Duration.ofMillis(1500);
  }
}
