package dev.baton.testkit.faults;

import dev.baton.locks.LockProvider;
import java.util.Map;

/** A backend whose provider cannot be built: the run must fail, never pass. */
public final class FailingBackend implements FaultBackend {
  /** For the worker JVMs. */
  public FailingBackend() {}

  @Override
  public LockProvider create(Map<String, String> properties) {
    throw new IllegalStateException("no store here");
  }
}
