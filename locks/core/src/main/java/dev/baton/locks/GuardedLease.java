package dev.baton.locks;

import java.time.Duration;
import java.util.Objects;

/**
 * A primary lease that also holds its name in the fallback store (the guard), granted during a
 * {@link Handover} guard window: valid while both are, renewed, extended and released together,
 * and lost (its {@code onLost} actions run once) as soon as either is lost. Its token, name and
 * store are the primary's.
 *
 * <p>Thread-safe, as the two leases it holds.
 */
final class GuardedLease implements Lease {
  private final Lease primary;
  private final Lease guard;
  private final LossActions onLost;

  GuardedLease(Lease primary, Lease guard) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.onLost = new LossActions(primary.name());
    primary.onLost(onLost::fire);
    guard.onLost(onLost::fire);
  }

  @Override
  public String name() {
    return primary.name();
  }

  @Override
  public long fencingToken() {
    return primary.fencingToken();
  }

  @Override
  public String store() {
    return primary.store();
  }

  @Override
  public boolean isValid() {
    return !onLost.isLost() && primary.isValid() && guard.isValid();
  }

  @Override
  public Duration remaining() {
    if (!isValid()) {
      return Duration.ZERO;
    }
    Duration a = primary.remaining();
    Duration b = guard.remaining();
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Extends the guard first: a name the fallback no longer guards is not extended. */
  @Override
  public boolean extend(Duration leaseTime) {
    return guard.extend(leaseTime) && primary.extend(leaseTime);
  }

  @Override
  public Lease keepAlive() {
    guard.keepAlive();
    primary.keepAlive();
    return this;
  }

  @Override
  public Lease onLost(Runnable action) {
    onLost.add(action);
    return this;
  }

  /** Releases the primary lease, then the guard; true if both were still held. */
  @Override
  public boolean release() {
    boolean primaryHeld;
    try {
      primaryHeld = primary.release();
    } catch (RuntimeException e) {
      try {
        guard.release();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
    return guard.release() & primaryHeld;
  }

  @Override
  public String toString() {
    return "GuardedLease[" + primary + ", guard " + guard + "]";
  }
}
