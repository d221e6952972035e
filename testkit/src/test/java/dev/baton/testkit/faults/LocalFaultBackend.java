package dev.baton.testkit.faults;

import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LockProvider;
import java.util.Map;

/** The in-JVM store: one worker JVM, its threads contend; the JVM's restart restarts the store. */
public final class LocalFaultBackend implements FaultBackend {
  /** For the worker JVMs. */
  public LocalFaultBackend() {}

  @Override
  public LockProvider create(Map<String, String> properties) {
    return LocalLockProvider.create();
  }
}
