package dev.baton.locks.redis;

import dev.baton.locks.LockProvider;
import dev.baton.testkit.faults.FaultBackend;
import java.time.Duration;
import java.util.Map;

/** Redis for the fault suite's worker JVMs: property {@code uri}, short timeouts. */
public final class RedisFaultBackend implements FaultBackend {
  /** For the worker JVMs. */
  public RedisFaultBackend() {}

  @Override
  public LockProvider create(Map<String, String> properties) {
    return RedisLockProvider.builder(properties.get("uri")).timeout(Duration.ofMillis(400)).build();
  }
}
