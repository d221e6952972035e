package dev.baton.locks;

import java.time.Duration;

/**
 * The timing rules of a {@link FallbackLockProvider} whose fallback is a store every instance
 * shares ({@link FallbackLockProvider.Builder#sharedFallback}): they keep a name excluded across
 * instances while the instances change store one after the other.
 *
 * <ul>
 *   <li><b>Quarantine.</b> After a switch to the fallback, no fallback grant is handed out until
 *       the longest lease any instance may hold on the primary has run out: a primary lease
 *       granted before the outage cannot be renewed while the primary is down, so by then it has
 *       ended (and its holder was told).
 *   <li><b>Guard window.</b> After a switch back, every primary grant also holds its name in the
 *       fallback for the window (the longest lease plus two probe intervals): an instance that
 *       has not yet switched back, or a fallback lease not yet ended, keeps the name on the
 *       fallback, and the guard waits for it there.
 *   <li><b>Epochs.</b> Every switch starts a new epoch; a grant asked for in an earlier epoch is
 *       given back, so no lease comes from the store the provider has just left.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class Handover {
  private final Ticker ticker;
  private final long maxLeaseNanos;
  private final long windowNanos;
  private volatile long fallbackUsableAt;
  private volatile long guardUntil;
  private volatile boolean guarding;
  private volatile long epoch;

  Handover(Ticker ticker, Duration maxLeaseTime, Duration probeInterval) {
    this.ticker = ticker;
    this.maxLeaseNanos = maxLeaseTime.toNanos();
    this.windowNanos = Math.addExact(maxLeaseNanos, Math.multiplyExact(2, probeInterval.toNanos()));
  }

  /** The longest lease time an acquisition or extension may ask for. */
  long maxLeaseNanos() {
    return maxLeaseNanos;
  }

  synchronized void switchedToFallback() {
    epoch++;
    guarding = false;
    fallbackUsableAt = ticker.read() + maxLeaseNanos;
  }

  synchronized void switchedBack() {
    epoch++;
    guarding = true;
    guardUntil = ticker.read() + windowNanos;
  }

  long epoch() {
    return epoch;
  }

  /** Nanoseconds until fallback grants may be handed out; 0 if they may now. */
  long quarantineLeftNanos() {
    return Math.max(0, fallbackUsableAt - ticker.read());
  }

  /** Whether a primary grant must also hold its name in the fallback now. */
  boolean guardingPrimaryGrants() {
    return guarding && guardUntil - ticker.read() > 0;
  }
}
