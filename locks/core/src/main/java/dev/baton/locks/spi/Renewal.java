package dev.baton.locks.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One keep-alive renewal in a batch handed to {@link AbstractLockProvider#renewAll}: the lease,
 * the lease time to apply, and the outcome the backend reports. The backend marks each renewal
 * {@link #renewed()} or {@link #notHeld()}; one it leaves unmarked (or marks {@link
 * #failed(RuntimeException)}) is treated like a failed {@link AbstractLease#renew}: the lease
 * keeps the earlier of its old and its new deadline, and the next renewal tries again.
 *
 * <p>While the batch runs, the lease's store operations are held for it (no extend or release
 * of that lease runs at the same time), so the backend may read and update its own per-lease
 * state. Not thread-safe: one backend thread marks a batch.
 */
public final class Renewal {
  /** What the store said of one renewal. */
  enum Outcome { UNKNOWN, RENEWED, NOT_HELD, FAILED }

  private final AbstractLease lease;
  private final Duration leaseTime;
  private Outcome outcome = Outcome.UNKNOWN;
  private RuntimeException failure;

  Renewal(AbstractLease lease, Duration leaseTime) {
    this.lease = lease;
    this.leaseTime = leaseTime;
  }

  /**
   * The lease to renew; a lease of the provider whose {@code renewAll} received this renewal.
   *
   * @return the lease, to be cast to the backend's own lease class
   */
  public AbstractLease lease() {
    return lease;
  }

  /**
   * The lease time the renewal asks for, counted from the store's receipt of the request.
   *
   * @return the lease time, positive
   */
  public Duration leaseTime() {
    return leaseTime;
  }

  /** The store confirmed that it still holds the name for this lease, for {@link #leaseTime()}. */
  public void renewed() {
    outcome = Outcome.RENEWED;
  }

  /** The store no longer holds the name for this lease: the lease is lost. */
  public void notHeld() {
    outcome = Outcome.NOT_HELD;
  }

  /**
   * The renewal's outcome is unknown (an outage, a timeout): the lease keeps the earlier of its
   * old and new deadline.
   *
   * @param cause what went wrong, for the log; not null
   */
  public void failed(RuntimeException cause) {
    outcome = Outcome.FAILED;
    failure = Objects.requireNonNull(cause, "cause");
  }

  Outcome outcome() {
    return outcome;
  }

  RuntimeException failure() {
    return failure;
  }

  @Override
  public String toString() {
    return "Renewal[" + lease.name() + ", " + leaseTime + ", " + outcome + "]";
  }
}
