package dev.baton.locks;

import dev.baton.locks.FallbackLedger.Route;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease handed out by a {@link FallbackLockProvider}: the store's lease, with the token the
 * provider's {@link FallbackLedger} gave it, and taken off the ledger when released or lost.
 * With a shared fallback, a lease the fallback granted is {@linkplain #revoke revoked} when the
 * provider switches back: it is then lost, as if the store had dropped it.
 *
 * <p>Thread-safe, as the lease it wraps.
 */
final class FallbackLease implements Lease {
  private static final Logger log = LoggerFactory.getLogger(FallbackLease.class);

  private final Lease granted;
  private final long token;
  private final Route route;
  private final FallbackLedger ledger;
  private final LossActions onLost;
  private volatile boolean revoked;

  FallbackLease(Lease granted, long token, Route route, FallbackLedger ledger) {
    this.granted = Objects.requireNonNull(granted, "granted");
    this.token = token;
    this.route = route;
    this.ledger = ledger;
    this.onLost = new LossActions(granted.name());
  }

  /** Takes this lease off the ledger and runs its actions once the store's lease is lost. */
  FallbackLease watchLoss() {
    granted.onLost(this::lose);
    return this;
  }

  Route route() {
    return route;
  }

  /**
   * Ends this lease behind no one's back: it turns invalid and runs its {@code onLost} actions
   * first, then gives the name back to its store so the other instances' guards get it.
   */
  void revoke() {
    revoked = true;
    lose();
    try {
      granted.release();
    } catch (RuntimeException e) {
      log.warn("Could not give back revoked lock {} (token {}) to {}; it ends with its lease time",
          name(), token, granted.store(), e);
    }
  }

  private void lose() {
    if (onLost.fire()) {
      ledger.forget(this);
    }
  }

  @Override
  public String name() {
    return granted.name();
  }

  @Override
  public long fencingToken() {
    return token;
  }

  @Override
  public String store() {
    return granted.store();
  }

  @Override
  public boolean isValid() {
    return !revoked && granted.isValid();
  }

  @Override
  public Duration remaining() {
    return revoked ? Duration.ZERO : granted.remaining();
  }

  @Override
  public boolean extend(Duration leaseTime) {
    ledger.checkLeaseTime(leaseTime);
    return !revoked && granted.extend(leaseTime) && !revoked;
  }

  @Override
  public Lease keepAlive() {
    granted.keepAlive();
    return this;
  }

  @Override
  public Lease onLost(Runnable action) {
    onLost.add(action);
    return this;
  }

  @Override
  public boolean release() {
    if (revoked) {
      return false;
    }
    try {
      return granted.release();
    } finally {
      ledger.forget(this);
    }
  }

  @Override
  public String toString() {
    return "FallbackLease[token " + token + ", " + granted + "]";
  }
}
