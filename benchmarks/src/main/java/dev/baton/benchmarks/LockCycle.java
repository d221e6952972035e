package dev.baton.benchmarks;

import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import java.time.Duration;

/** The operation every lock benchmark measures: one uncontended acquire + release. */
final class LockCycle {
  private static final Duration LEASE = Peers.LEASE;

  private LockCycle() {}

  /** Acquires {@code name} without waiting and releases it; returns the token (for JMH to consume). */
  static long acquireAndRelease(LockProvider locks, String name) {
    Lease lease = locks.tryAcquire(name, LEASE)
        .orElseThrow(() -> new IllegalStateException(name + " is held: the benchmark needs it free"));
    long token = lease.fencingToken();
    lease.release();
    return token;
  }
}
