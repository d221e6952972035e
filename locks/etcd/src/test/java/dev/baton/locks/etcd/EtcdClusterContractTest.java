package dev.baton.locks.etcd;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.EtcdCluster;
import org.junit.jupiter.api.AfterAll;

/**
 * The whole contract on a real three-member etcd cluster: every client is given all three
 * endpoints, so its calls are spread over the members and every write goes through raft.
 * etcd's timing parameters are those of the one-member run.
 */
class EtcdClusterContractTest extends EtcdLockProviderContractTest {
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
}
