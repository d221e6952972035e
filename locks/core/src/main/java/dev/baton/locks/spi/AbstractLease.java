package dev.baton.locks.spi;

import dev.baton.locks.Lease;
import dev.baton.locks.LockEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease state machine every backend shares: held, then released or lost, once. A backend
 * supplies two owner-checked store operations, {@link #renew} and {@link #unlock}; this class
 * keeps the local deadline (on the provider's ticker, with a safety margin so it ends before
 * the store's), renews in the background for {@link #keepAlive()}, notices when the lease runs
 * out, runs {@link #onLost} actions once, and makes sure no renewal outlives release.
 *
 * <p>The rules it keeps: the local deadline is published inside the store operation that set
 * it, so it follows the last store operation that succeeded and is never later than the
 * store's grant; a lease whose deadline passed is lost for good (whoever notices first, the
 * provider's sweep, {@link #extend}, or {@link #release}, runs the onLost actions and reports
 * {@code LOST}); a renewal that lands after that is undone at the store.
 *
 * <p>Thread-safe. Store operations of one lease never run concurrently.
 */
public abstract class AbstractLease implements Lease {
  private static final Logger log = LoggerFactory.getLogger(AbstractLease.class);
  private static final long MIN_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private enum State { HELD, RELEASED, LOST }

  private final AbstractLockProvider provider;
  private final String name;
  private final long fencingToken;
  /** Serialises store operations, so a renewal in flight finishes before release unlocks. */
  private final ReentrantLock storeOps = new ReentrantLock();
  /**
   * Guards the state, the deadline, the timers, the keep-alive flag and the onLost actions;
   * never held across I/O or user code. State and deadline are volatile for lock-free reads.
   */
  private final ReentrantLock local = new ReentrantLock();

  private volatile State state = State.HELD;
  private volatile long deadline;
  private volatile Duration leaseTime;
  /** Written under {@code local}; read without it by the provider's renewal timer. */
  private volatile boolean keepingAlive;
  /**
   * Whether anyone would hear of an expiry (onLost actions, keep-alive, listeners): such a loss
   * is logged as a warning. The provider's sweep notices every expiry, watched or not.
   */
  private boolean watching;
  private List<Runnable> lostActions = new ArrayList<>();
  /** The position in the provider's {@link HeldLeases}; guarded by its lock. */
  private long queuedDeadline;
  private long queuedSequence;

  /**
   * Creates a held lease; the provider hands it out.
   *
   * @param provider the provider that granted the lease
   * @param name the name the lease holds
   * @param fencingToken the token the store issued for this grant, positive
   * @param leaseTime the lease time the store applied
   * @param start the provider's ticker reading taken <em>before</em> the grant request was sent,
   *     so the local deadline can only be early, never late
   */
  protected AbstractLease(
      AbstractLockProvider provider, String name, long fencingToken, Duration leaseTime, long start) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.name = Objects.requireNonNull(name, "name");
    if (fencingToken <= 0) {
      throw new IllegalArgumentException("fencing token must be positive: " + fencingToken);
    }
    this.fencingToken = fencingToken;
    this.leaseTime = leaseTime;
    this.deadline = localDeadline(start, leaseTime);
  }

  /**
   * Makes the grant last {@code leaseTime} from now at the store, if this lease still owns it.
   *
   * @param leaseTime the new lease time, counted from the request
   * @return true if extended, false if the store says the name is no longer this lease's
   * @throws RuntimeException if the store cannot be reached (the lease keeps the earlier of its
   *     old and its new deadline, as the store may have applied the request)
   */
  protected abstract boolean renew(Duration leaseTime);

  /**
   * Deletes the grant at the store, if this lease still owns it.
   *
   * @return true if this call freed the name, false if it was no longer this lease's
   * @throws RuntimeException if the store cannot be reached
   */
  protected abstract boolean unlock();

  /**
   * Called once when the lease ran out locally before it was released (it is then lost), by a
   * timer or the provider's sweep: a backend that keeps state for the grant in this JVM drops it
   * here. The store ends the grant by itself, so this must not make a store round trip or
   * block. Does nothing by default.
   */
  protected void ranOut() {}

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final long fencingToken() {
    return fencingToken;
  }

  @Override
  public final String store() {
    return provider.store();
  }

  @Override
  public final boolean isValid() {
    return state == State.HELD && deadline - provider.ticker().read() > 0;
  }

  @Override
  public final Duration remaining() {
    if (state != State.HELD) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, deadline - provider.ticker().read()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The local deadline always follows the last store operation that succeeded: it is
   * published while this lease's store operations are still serialised, so a keep-alive
   * renewal and a caller's extend can never leave it later than the store's grant. While the
   * request is on its way, and if it fails, the lease keeps the earlier of its old and its new
   * deadline (the store may or may not have applied it). A lease whose deadline passed is lost
   * for good: an extend then returns false without renewing (it runs the onLost actions if
   * nobody did yet, and deletes the grant at the store if it is still this lease's), and a
   * renewal that the store confirms only after the deadline passed, or after the lease was
   * reported lost meanwhile, is undone at the store and returns false. So the name never stays
   * taken for a lease nobody holds, and a lease that was invalid never becomes valid again.
   */
  @Override
  public final boolean extend(Duration leaseTime) {
    LockArguments.checkLeaseTime(leaseTime);
    return renewAtStore(leaseTime);
  }

  private boolean renewAtStore(Duration time) {
    if (state != State.HELD) {
      return false;
    }
    Attempt attempt;
    storeOps.lock();
    try {
      attempt = begin(time);
      if (attempt.send) {
        Renewal.Outcome outcome;
        RuntimeException failure = null;
        try {
          outcome = renew(time) ? Renewal.Outcome.RENEWED : Renewal.Outcome.NOT_HELD;
        } catch (RuntimeException e) {
          outcome = Renewal.Outcome.FAILED;
          failure = e;
        }
        finish(attempt, outcome, failure, true);
      }
    } finally {
      storeOps.unlock();
    }
    after(attempt);
    return attempt.published;
  }

  /**
   * One renewal of this lease on its way through the store: begun and finished while {@code
   * storeOps} is held, then {@linkplain #after announced} once it is let go.
   */
  static final class Attempt {
    final AbstractLease lease;
    final Duration time;
    final long next;
    /** Whether the renewal goes to the store (the lease was held and its deadline not passed). */
    boolean send;
    boolean published;
    private Loss loss;
    /** The batch entry, when the renewal is part of a batch. */
    Renewal renewal;

    private Attempt(AbstractLease lease, Duration time, long next) {
      this.lease = lease;
      this.time = time;
      this.next = next;
    }
  }

  /**
   * Before the store call; call with {@code storeOps} held. Until the store answers, the
   * earlier of the old and new deadline holds; a lease whose deadline already passed is lost
   * here and its grant deleted (the name is free at once), and nothing is sent.
   */
  private Attempt begin(Duration time) {
    long start = provider.ticker().read();
    Attempt attempt = new Attempt(this, time, localDeadline(start, time));
    boolean lowered = false;
    local.lock();
    try {
      if (state != State.HELD) {
        return attempt;
      }
      if (deadline - start <= 0) {
        attempt.loss = loseLocked("its lease time ran out before it was renewed");
      } else {
        if (attempt.next - deadline < 0) {
          deadline = attempt.next; // until the store answers, the earlier of both deadlines holds
          lowered = true;
        }
        attempt.send = true;
      }
    } finally {
      local.unlock();
    }
    if (attempt.loss != null) {
      unlockQuietly("a lease that ran out before it was renewed");
    } else if (lowered) {
      provider.deadlineLowered(this); // the sweep must not come later than the new deadline
    }
    return attempt;
  }

  /**
   * After the store answered; call with {@code storeOps} held. Publishes the new deadline if the
   * store renewed in time, and undoes a renewal that came back after the lease was lost.
   */
  private void finish(Attempt attempt, Renewal.Outcome outcome, RuntimeException failure,
      boolean warn) {
    if (outcome == Renewal.Outcome.FAILED || outcome == Renewal.Outcome.UNKNOWN) {
      if (warn) {
        log.warn("Could not renew lease {} (token {}) at {}; it stays valid for {} ms",
            name, fencingToken, provider.store(), remaining().toMillis(), failure);
      } else {
        log.debug("Could not renew lease {} (token {}) at {}; it stays valid for {} ms",
            name, fencingToken, provider.store(), remaining().toMillis(), failure);
      }
      return;
    }
    boolean undo = false;
    local.lock();
    try {
      if (outcome == Renewal.Outcome.NOT_HELD) {
        if (state == State.HELD) {
          attempt.loss = loseLocked("the store no longer holds it for this lease");
        }
      } else if (state == State.HELD && deadline - provider.ticker().read() > 0) {
        deadline = attempt.next;
        leaseTime = attempt.time;
        attempt.published = true;
      } else if (state == State.HELD) {
        attempt.loss = loseLocked("its lease time ran out while it was being renewed");
        undo = true;
      } else {
        // LOST meanwhile: undo. RELEASED: release() waits for this and unlocks the grant.
        undo = state == State.LOST;
      }
    } finally {
      local.unlock();
    }
    if (undo) {
      unlockQuietly("a renewal that came back after the lease was lost");
    }
  }

  /**
   * Once {@code storeOps} is let go: reports a loss. A published renewal moves no timer: a
   * deadline that came earlier was moved in {@link #begin}, and the provider's sweep finds a
   * later one when it comes near the old one.
   */
  private void after(Attempt attempt) {
    if (attempt.loss != null) {
      announce(attempt.loss, null, false);
    }
  }

  /**
   * Begins this lease's part of a renewal batch: takes its store operations unless another
   * operation (an extend, a release) has them, and prepares the store call.
   *
   * @return the attempt, holding {@code storeOps} (its {@link Attempt#renewal} set if it goes
   *     to the store), or null if the lease is busy
   */
  Attempt beginBatched() {
    if (!storeOps.tryLock()) {
      return null;
    }
    try {
      Duration time = leaseTime;
      Attempt attempt = state == State.HELD ? begin(time) : new Attempt(this, time, 0);
      if (attempt.send) {
        attempt.renewal = new Renewal(this, time);
      }
      return attempt;
    } catch (RuntimeException | Error e) {
      storeOps.unlock();
      throw e;
    }
  }

  /** Ends this lease's part of a batch: publishes, lets go of storeOps, schedules the next. */
  void finishBatched(Attempt attempt) {
    try {
      if (attempt.send) {
        finish(attempt, attempt.renewal.outcome(), attempt.renewal.failure(), false);
      }
    } finally {
      storeOps.unlock();
    }
    try {
      after(attempt);
    } finally {
      scheduleRenewal();
    }
  }

  @Override
  public final Lease keepAlive() {
    local.lock();
    try {
      if (state != State.HELD || keepingAlive) {
        return this;
      }
      keepingAlive = true;
      scheduleRenewal();
      watching = true;
    } finally {
      local.unlock();
    }
    return this;
  }

  private void scheduleRenewal() {
    local.lock();
    try {
      if (state != State.HELD || !keepingAlive) {
        return;
      }
      long period = Math.max(1, LockArguments.nanos(leaseTime) / 3);
      // The provider's one renewal timer sends it, with the others due at about the same time,
      // on a renewal thread: a slow store holds up neither the timers nor other renewals.
      provider.keepAliveDue(this, leaseTime, period);
    } finally {
      local.unlock();
    }
  }

  /** Whether the renewal timer should still renew this lease. */
  final boolean keptAlive() {
    return keepingAlive && state == State.HELD;
  }

  /** One keep-alive renewal on its own store call, then the next one is scheduled. */
  void renewOnce() {
    renewAtStore(leaseTime);
    scheduleRenewal();
  }

  @Override
  public final Lease onLost(Runnable action) {
    Objects.requireNonNull(action, "action");
    boolean runNow;
    local.lock();
    try {
      runNow = lostActions == null;
      if (!runNow) {
        lostActions.add(action);
        watching = true;
      }
    } finally {
      local.unlock();
    }
    if (runNow && state == State.LOST) {
      runQuietly(action);
    }
    return this;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A lease whose local deadline passed before this call, or that the store no longer holds
   * for it, was lost: unless that was noticed before, this call runs its onLost actions and
   * reports {@code LOST} (once, whoever notices first), and returns false. The grant is still
   * deleted at the store if it is this lease's (owner-checked), so the name is free at once.
   */
  @Override
  public final boolean release() {
    Loss loss = null;
    local.lock();
    try {
      if (state != State.HELD) {
        return false;
      }
      if (deadline - provider.ticker().read() <= 0) {
        loss = loseLocked("its lease time ran out before it was released");
      } else {
        state = State.RELEASED;
      }
    } finally {
      local.unlock();
    }
    stopTimers();
    provider.forget(this);
    if (loss != null) {
      announce(loss, null, false);
      storeOps.lock();
      try {
        unlockQuietly("a lease that ran out before its release");
      } finally {
        storeOps.unlock();
      }
      return false;
    }
    boolean released;
    storeOps.lock();
    try {
      released = unlock();
    } catch (RuntimeException e) {
      log.warn("Could not release lease {} (token {}) at {}; it ends by itself within {} ms",
          name, fencingToken, provider.store(), LockArguments.nanos(leaseTime) / 1_000_000, e);
      return false;
    } finally {
      storeOps.unlock();
    }
    if (released) {
      provider.fire(LockEvent.Type.RELEASED, name, fencingToken, Duration.ZERO, null);
      return true;
    }
    local.lock();
    try {
      if (state == State.RELEASED) {
        state = State.LOST; // it was lost before: the store had ended the grant
        loss = new Loss("the store no longer held it when it was released", takeActionsLocked());
      }
    } finally {
      local.unlock();
    }
    if (loss != null) {
      announce(loss, null, false);
    }
    return false;
  }

  /** Release on provider close: no exception. */
  final void releaseQuietly() {
    try {
      release();
    } catch (RuntimeException e) {
      log.warn("Releasing lease {} on close failed", name, e);
    }
  }

  /**
   * Called by the provider once the lease is handed out. No lease needs a timer of its own:
   * {@link #isValid()} reads the deadline itself, and the provider's sweep notices when it ran
   * out (and runs the onLost actions). A lease with listeners, onLost actions or keep-alive is
   * watched: its loss is logged as a warning, an unwatched one's at debug level.
   */
  final void activate(boolean hasListeners) {
    if (hasListeners) {
      local.lock();
      try {
        watching = true;
      } finally {
        local.unlock();
      }
    }
  }

  /**
   * Marks the lease lost (if it is still held) and runs its onLost actions. Backends call this
   * when the store tells them the grant is gone, e.g. a dropped session or a revoked etcd lease.
   *
   * @param reason why, for the log
   * @param cause what the store reported, or null
   */
  protected final void lost(String reason, Throwable cause) {
    Loss loss;
    local.lock();
    try {
      if (state != State.HELD) {
        return;
      }
      loss = loseLocked(reason);
    } finally {
      local.unlock();
    }
    announce(loss, cause, false);
  }

  /** Called by the provider's sweep with a lease it took out because its deadline passed. */
  final void expired(long now) {
    ranOutIfDue(now, "its lease time ran out without release or renewal", true);
  }

  /** The local deadline, on the provider's ticker. */
  final long deadline() {
    return deadline;
  }

  final void queue(long queuedDeadline, long queuedSequence) {
    this.queuedDeadline = queuedDeadline;
    this.queuedSequence = queuedSequence;
  }

  final long queuedDeadline() {
    return queuedDeadline;
  }

  final long queuedSequence() {
    return queuedSequence;
  }

  /** The outcome of a transition to LOST, announced once the locks are let go. */
  private record Loss(String reason, List<Runnable> actions) {}

  /** Marks the lease lost and takes its onLost actions; call with {@code local} held. */
  private Loss loseLocked(String reason) {
    state = State.LOST;
    return new Loss(reason, takeActionsLocked());
  }

  private List<Runnable> takeActionsLocked() {
    List<Runnable> actions = lostActions == null ? List.of() : lostActions;
    lostActions = null;
    return actions;
  }

  /** Stops timers, forgets the lease, logs, reports LOST and runs the actions; no lock held. */
  private void announce(Loss loss, Throwable cause, boolean quietIfUnwatched) {
    stopTimers();
    provider.forget(this);
    boolean watched;
    local.lock();
    try {
      watched = watching;
    } finally {
      local.unlock();
    }
    if (watched || !quietIfUnwatched) {
      log.warn("Lost lease {} (token {}) at {}: {}", name, fencingToken, provider.store(), loss.reason());
    } else {
      log.debug("Forgot lease {} (token {}) at {}: {}", name, fencingToken, provider.store(), loss.reason());
    }
    provider.fire(LockEvent.Type.LOST, name, fencingToken, Duration.ZERO, cause);
    for (Runnable action : loss.actions()) {
      runQuietly(action);
    }
  }

  /** If the lease is held and its deadline passed at {@code now}, it is lost; true if so. */
  private boolean ranOutIfDue(long now, String reason, boolean quietIfUnwatched) {
    Loss loss;
    local.lock();
    try {
      if (state != State.HELD || deadline - now > 0) {
        return false;
      }
      loss = loseLocked(reason);
    } finally {
      local.unlock();
    }
    announce(loss, null, quietIfUnwatched);
    ranOut();
    return true;
  }

  /** An owner-checked delete whose outcome does not matter; call with {@code storeOps} held. */
  private void unlockQuietly(String what) {
    try {
      unlock();
    } catch (RuntimeException e) {
      log.debug("Could not delete {} of lease {} (token {}) at {}; it ends by itself",
          what, name, fencingToken, provider.store(), e);
    }
  }

  /** Stops the keep-alive: the renewal timer drops this lease when its turn comes. */
  private void stopTimers() {
    local.lock();
    try {
      keepingAlive = false;
    } finally {
      local.unlock();
    }
  }

  private long localDeadline(long start, Duration leaseTime) {
    long nanos = LockArguments.nanos(leaseTime);
    // The store's clock may run a little faster than ours: end early by 1% + 2 ms (at most half).
    long margin = Math.min(nanos / 2, nanos / 100 + MIN_MARGIN_NANOS);
    return LockArguments.deadlineAfter(start, Duration.ofNanos(nanos - margin));
  }

  private void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("onLost action of lease {} failed", name, e);
    }
  }

  @Override
  public String toString() {
    return "Lease[" + name + ", token " + fencingToken + ", " + provider.store() + ", "
        + state.name().toLowerCase(java.util.Locale.ROOT) + "]";
  }
}
