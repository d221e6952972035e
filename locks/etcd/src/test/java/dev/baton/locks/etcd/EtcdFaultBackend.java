package dev.baton.locks.etcd;

import dev.baton.locks.LockProvider;
import dev.baton.testkit.faults.FaultBackend;
import java.time.Duration;
import java.util.Map;

/** etcd for the fault suite's worker JVMs: property {@code endpoints}, comma-separated. */
public final class EtcdFaultBackend implements FaultBackend {
  /** For the worker JVMs. */
  public EtcdFaultBackend() {}

  @Override
  public LockProvider create(Map<String, String> properties) {
    return EtcdLockProvider.builder(properties.get("endpoints").split(","))
        .timeout(Duration.ofSeconds(1)).build();
  }
}
