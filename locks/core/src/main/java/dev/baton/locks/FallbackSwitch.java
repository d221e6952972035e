package dev.baton.locks;

import dev.baton.locks.FallbackLedger.Route;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a {@link FallbackLockProvider} changes store, and the change itself: it counts the
 * primary's failures against {@code switchAfter} (a {@link PrimaryOutage}), switches to the
 * fallback on a sustained outage (logged, counted, a {@code STORE_DOWN} event), and back at the
 * probe's first answer; with a shared fallback it starts the {@link Handover}'s quarantine and
 * guard window and revokes the fallback's leases at the switch back.
 *
 * <p>Thread-safe.
 */
final class FallbackSwitch {
  private static final Logger log = LoggerFactory.getLogger(FallbackLockProvider.class);
  /** The name the probe acquires (and releases at once) to see whether the primary answers. */
  static final String PROBE_NAME = "baton.fallback-probe";

  private final LockProvider primary;
  private final FallbackLedger ledger;
  /** Null without a shared fallback. */
  private final Handover handover;
  private final PrimaryOutage outage;
  private final Duration switchAfter;
  private final List<LockListener> listeners;
  private final AtomicBoolean onFallback = new AtomicBoolean();
  private final AtomicLong switchesToFallback = new AtomicLong();
  private final AtomicLong switchesToPrimary = new AtomicLong();
  private volatile boolean closed;

  FallbackSwitch(LockProvider primary, FallbackLedger ledger, Handover handover,
      PrimaryOutage outage, Duration switchAfter, List<LockListener> listeners) {
    this.primary = primary;
    this.ledger = ledger;
    this.handover = handover;
    this.outage = outage;
    this.switchAfter = switchAfter;
    this.listeners = listeners;
  }

  boolean isOnFallback() {
    return onFallback.get();
  }

  long switchesToFallback() {
    return switchesToFallback.get();
  }

  long switchesToPrimary() {
    return switchesToPrimary.get();
  }

  /** Records an answer of the primary to a caller: the outage, if any, is over. */
  void answered() {
    outage.answered();
  }

  /** Stops probing. */
  void close() {
    closed = true;
  }

  /**
   * Records a failure of the primary and switches if the outage is sustained.
   *
   * @return true if acquisitions now go to the fallback, false if the caller should see the
   *     failure
   */
  boolean primaryFailed(String name, LockUnavailableException cause) {
    if (onFallback.get()) {
      return true; // another caller switched meanwhile
    }
    PrimaryOutage.Verdict verdict = outage.failed();
    if (verdict == PrimaryOutage.Verdict.SUSTAINED) {
      switchToFallback(name, cause);
      return true;
    }
    if (verdict == PrimaryOutage.Verdict.BEGUN) {
      log.warn("Primary lock store failed while acquiring {}; switching to the fallback if it keeps "
          + "failing for {} ms: {}", name, switchAfter.toMillis(), cause.getMessage());
    }
    return false;
  }

  private void switchToFallback(String name, LockUnavailableException cause) {
    if (onFallback.compareAndSet(false, true)) {
      if (handover != null) {
        handover.switchedToFallback();
      }
      long count = switchesToFallback.incrementAndGet();
      log.warn("Primary lock store unreachable for {} ms (last while acquiring {}); using the "
          + "fallback until it answers again (switch #{}): {}",
          outage.failingForNanos() / 1_000_000, name, count, cause.getMessage());
      fire(name, cause);
    }
  }

  /**
   * Tries the primary while on the fallback or while it is failing: an answer ends the outage
   * (and switches back), a failure may make the outage sustained (and switches over).
     */
  void probe() {
    if (closed || (!onFallback.get() && !outage.isFailing())) {
      return;
    }
    try {
      primary.tryAcquire(PROBE_NAME, Duration.ofSeconds(5)).ifPresent(Lease::release);
    } catch (LockUnavailableException stillDown) {
      log.debug("Primary lock store still unreachable: {}", stillDown.getMessage());
      if (!onFallback.get() && outage.failed() == PrimaryOutage.Verdict.SUSTAINED) {
        switchToFallback(PROBE_NAME, stillDown);
      }
      return;
    } catch (RuntimeException e) {
      log.warn("Probing the primary lock store failed", e);
      return;
    }
    outage.answered();
    if (onFallback.compareAndSet(true, false)) {
      long count = switchesToPrimary.incrementAndGet();
      log.info("Primary lock store answers again; acquisitions go to it (switch back #{})", count);
      if (handover != null) {
        handover.switchedBack();
        revokeFallbackLeases();
      }
    }
  }

  /**
   * With a shared fallback, ends the leases the fallback granted when the provider switches back:
   * each is reported lost ({@code onLost}, {@code isValid()} false) and then given back, so the
   * guards of the instances already back on the primary get their names within the window.
   */
  private void revokeFallbackLeases() {
    for (FallbackLease lease : ledger.heldThrough(Route.FALLBACK)) {
      log.warn("Lock {} (token {}) was granted by the fallback; it ends now that the primary"
          + " answers again", lease.name(), lease.fencingToken());
      lease.revoke();
    }
  }

  private void fire(String name, Throwable cause) {
    LockEvent event =
        new LockEvent(LockEvent.Type.STORE_DOWN, name, "primary", 0, Duration.ZERO, cause);
    for (LockListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("Lock listener {} failed on {}", listener, event, e);
      }
    }
  }
}
