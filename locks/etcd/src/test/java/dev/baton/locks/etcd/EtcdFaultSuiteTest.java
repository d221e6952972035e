package dev.baton.locks.etcd;

import dev.baton.testkit.EtcdCluster;
import dev.baton.testkit.EtcdServer;
import dev.baton.testkit.faults.FaultScenario;
import dev.baton.testkit.faults.Faults;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * etcd under the fault suite (testkit's {@code dev.baton.testkit.faults}): one server paused
 * holders, killed and restarted, frozen; a three-member cluster whose leader is killed and
 * restarted. Leases are 2 s, as etcd's are whole seconds.
 */
@Timeout(300)
class EtcdFaultSuiteTest {
  private static final Duration LEASE = Duration.ofSeconds(2);

  @Test
  void oneServer() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      FaultScenario scenario = FaultScenario.builder("etcd-single", EtcdFaultBackend.class)
          .property("endpoints", etcd.endpoint())
          .lease(LEASE)
          .fault(Faults.pauseHolder())
          .fault(Faults.restartStore(etcd))
          .fault(Faults.freezeStore(etcd))
          .build();
      scenario.run().assertSafe(scenario.faultKinds());
    }
  }

  @Test
  void threeMembersLosingTheirLeader() throws Exception {
    try (EtcdCluster cluster = EtcdCluster.start(3)) {
      FaultScenario scenario = FaultScenario.builder("etcd-cluster", EtcdFaultBackend.class)
          .property("endpoints", String.join(",", cluster.endpoints()))
          .lease(LEASE)
          .seconds(10)
          .fault(Faults.restartEtcdLeader(cluster))
          .fault(Faults.pauseHolder())
          .build();
      scenario.run().assertSafe(scenario.faultKinds());
    }
  }
}
