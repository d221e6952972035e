package dev.baton.locks;

import java.time.Duration;
import java.util.Objects;

/**
 * A lease handed out by a {@link FallbackLockProvider}: the store's lease, with the token the
 * provider's {@link FallbackLedger} gave it, and taken off the ledger when released or lost.
 *
 * <p>Thread-safe, as the lease it wraps.
 */
final class FallbackLease implements Lease {
  private final Lease granted;
  private final long token;
  private final FallbackLedger ledger;

  FallbackLease(Lease granted, long token, FallbackLedger ledger) {
    this.granted = Objects.requireNonNull(granted, "granted");
    this.token = token;
    this.ledger = ledger;
  }

  /** Takes this lease off the ledger once the store's lease is lost (taken, gone, run out). */
  FallbackLease watchLoss() {
    granted.onLost(() -> ledger.forget(this));
    return this;
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
    return granted.isValid();
  }

  @Override
  public Duration remaining() {
    return granted.remaining();
  }

  @Override
  public boolean extend(Duration leaseTime) {
    return granted.extend(leaseTime);
  }

  @Override
  public Lease keepAlive() {
    granted.keepAlive();
    return this;
  }

  @Override
  public Lease onLost(Runnable action) {
    granted.onLost(action);
    return this;
  }

  @Override
  public boolean release() {
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
