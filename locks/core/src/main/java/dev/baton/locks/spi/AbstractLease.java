package dev.baton.locks.spi;

import dev.baton.locks.Lease;
import dev.baton.locks.LockEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Thread-safe. Store operations of one lease never run concurrently.
 */
public abstract class AbstractLease implements Lease {
  private static final Logger log = LoggerFactory.getLogger(AbstractLease.class);
  private static final long MIN_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private enum State { HELD, RELEASED, LOST }

  private final AbstractLockProvider provider;
  private final String name;
  private final long fencingToken;
  private final AtomicReference<State> state = new AtomicReference<>(State.HELD);
  /** Serialises store operations, so a renewal in flight finishes before release unlocks. */
  private final ReentrantLock storeOps = new ReentrantLock();
  /** Guards the timers, the keep-alive flag and the onLost actions; never held across I/O. */
  private final ReentrantLock local = new ReentrantLock();

  private volatile long deadline;
  private volatile Duration leaseTime;
  private boolean keepingAlive;
  /** Whether anyone would hear of an expiry (onLost actions, keep-alive, listeners). */
  private boolean watching;
  private ScheduledFuture<?> renewal;
  private ScheduledFuture<?> expiryWatch;
  private List<Runnable> lostActions = new ArrayList<>();

  /**
   * @param provider the provider that granted the lease
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
   * @return true if extended, false if the store says the name is no longer this lease's
   * @throws RuntimeException if the store cannot be reached (the lease keeps its deadline)
   */
  protected abstract boolean renew(Duration leaseTime);

  /**
   * Deletes the grant at the store, if this lease still owns it.
   *
   * @return true if this call freed the name, false if it was no longer this lease's
   * @throws RuntimeException if the store cannot be reached
   */
  protected abstract boolean unlock();

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
    return state.get() == State.HELD && deadline - provider.ticker().read() > 0;
  }

  @Override
  public final Duration remaining() {
    if (state.get() != State.HELD) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, deadline - provider.ticker().read()));
  }

  @Override
  public final boolean extend(Duration leaseTime) {
    LockArguments.checkLeaseTime(leaseTime);
    return renewAtStore(leaseTime);
  }

  private boolean renewAtStore(Duration leaseTime) {
    if (state.get() != State.HELD) {
      return false;
    }
    boolean renewed;
    long start;
    storeOps.lock();
    try {
      if (state.get() != State.HELD) {
        return false;
      }
      start = provider.ticker().read();
      renewed = renew(leaseTime);
    } catch (RuntimeException e) {
      log.warn("Could not renew lease {} (token {}) at {}; it stays valid for {} ms",
          name, fencingToken, provider.store(), remaining().toMillis(), e);
      return false;
    } finally {
      storeOps.unlock();
    }
    if (!renewed) {
      lost("the store no longer holds it for this lease", null);
      return false;
    }
    this.leaseTime = leaseTime;
    this.deadline = localDeadline(start, leaseTime);
    rearmExpiryWatch();
    return true;
  }

  @Override
  public final Lease keepAlive() {
    local.lock();
    try {
      if (state.get() != State.HELD || keepingAlive) {
        return this;
      }
      keepingAlive = true;
      scheduleRenewal();
      startExpiryWatch();
    } finally {
      local.unlock();
    }
    return this;
  }

  private void scheduleRenewal() {
    local.lock();
    try {
      if (state.get() != State.HELD || !keepingAlive) {
        return;
      }
      long period = Math.max(1, LockArguments.nanos(leaseTime) / 3);
      // The timer only fires: the store call runs on a renewal thread, so a slow store holds
      // up neither the timer threads nor other leases' renewals and expiry watches.
      renewal = schedule(() -> provider.renewals().execute(this::renewOnce), period);
    } finally {
      local.unlock();
    }
  }

  private void renewOnce() {
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
        startExpiryWatch();
      }
    } finally {
      local.unlock();
    }
    if (runNow && state.get() == State.LOST) {
      runQuietly(action);
    }
    return this;
  }

  @Override
  public final boolean release() {
    if (!state.compareAndSet(State.HELD, State.RELEASED)) {
      return false;
    }
    stopTimers();
    provider.forget(this);
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
    } else {
      log.debug("Lease {} (token {}) was no longer held at {} when released",
          name, fencingToken, provider.store());
    }
    return released;
  }

  /** Release on provider close: no onLost, no exception. */
  final void releaseQuietly() {
    try {
      release();
    } catch (RuntimeException e) {
      log.warn("Releasing lease {} on close failed", name, e);
    }
  }

  /**
   * Called by the provider once the lease is handed out. A lease nobody listens to needs no
   * timer: {@link #isValid()} reads the deadline itself. The watch starts with the first
   * listener, onLost action or keep-alive.
   */
  final void activate(boolean hasListeners) {
    if (hasListeners) {
      local.lock();
      try {
        startExpiryWatch();
      } finally {
        local.unlock();
      }
    }
  }

  /**
   * Marks the lease lost (if it is still held) and runs its onLost actions. Backends call this
   * when the store tells them the grant is gone, e.g. a dropped session or a revoked etcd lease.
   */
  protected final void lost(String reason, Throwable cause) {
    if (!state.compareAndSet(State.HELD, State.LOST)) {
      return;
    }
    stopTimers();
    provider.forget(this);
    log.warn("Lost lease {} (token {}) at {}: {}", name, fencingToken, provider.store(), reason);
    provider.fire(LockEvent.Type.LOST, name, fencingToken, Duration.ZERO, cause);
    List<Runnable> actions;
    local.lock();
    try {
      actions = lostActions;
      lostActions = null;
    } finally {
      local.unlock();
    }
    for (Runnable action : actions) {
      runQuietly(action);
    }
  }

  /** Arms the expiry watch for good; call with {@code local} held. */
  private void startExpiryWatch() {
    if (!watching) {
      watching = true;
      armExpiryWatch();
    }
  }

  private void rearmExpiryWatch() {
    local.lock();
    try {
      if (watching) {
        armExpiryWatch();
      }
    } finally {
      local.unlock();
    }
  }

  private void armExpiryWatch() {
    if (state.get() != State.HELD) {
      return;
    }
    if (expiryWatch != null) {
      expiryWatch.cancel(false);
    }
    expiryWatch = schedule(this::checkExpiry, Math.max(1, deadline - provider.ticker().read()));
  }

  private void checkExpiry() {
    if (deadline - provider.ticker().read() > 0) {
      rearmExpiryWatch(); // extended meanwhile, or the ticker runs slower than the scheduler
    } else {
      lost("its lease time ran out without renewal", null);
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return provider.scheduler().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      return null; // the provider is closing and releases this lease itself
    }
  }

  private void stopTimers() {
    local.lock();
    try {
      keepingAlive = false;
      if (renewal != null) {
        renewal.cancel(false);
      }
      if (expiryWatch != null) {
        expiryWatch.cancel(false);
      }
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
        + state.get().name().toLowerCase(java.util.Locale.ROOT) + "]";
  }
}
