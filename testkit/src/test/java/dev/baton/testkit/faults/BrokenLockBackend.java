package dev.baton.testkit.faults;

import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately broken lock for the suite's self-test: it grants every request at once, with
 * tokens from this JVM's clock, never runs onLost and always says valid. Several workers then
 * hold the name at once and nobody is told.
 */
public final class BrokenLockBackend implements FaultBackend {
  private static final AtomicLong LAST = new AtomicLong();

  /** For the worker JVMs. */
  public BrokenLockBackend() {}

  @Override
  public LockProvider create(Map<String, String> properties) {
    return new LockProvider() {
      @Override
      public Optional<Lease> tryAcquire(String name, Duration leaseTime) {
        return Optional.of(lease(name, leaseTime));
      }

      @Override
      public Optional<Lease> tryAcquire(String name, Duration leaseTime, Duration maxWait) {
        return tryAcquire(name, leaseTime);
      }

      @Override
      public Lease acquire(String name, Duration leaseTime) {
        return lease(name, leaseTime);
      }

      @Override
      public void close() {}
    };
  }

  private static Lease lease(String name, Duration leaseTime) {
    long token = LAST.updateAndGet(last -> Math.max(last + 1, FencedRegister.nowMicros()));
    return new Lease() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long fencingToken() {
        return token;
      }

      @Override
      public String store() {
        return "broken";
      }

      @Override
      public boolean isValid() {
        return true;
      }

      @Override
      public Duration remaining() {
        return leaseTime;
      }

      @Override
      public boolean extend(Duration time) {
        return true;
      }

      @Override
      public Lease keepAlive() {
        return this;
      }

      @Override
      public Lease onLost(Runnable action) {
        return this;
      }

      @Override
      public boolean release() {
        return true;
      }
    };
  }
}
