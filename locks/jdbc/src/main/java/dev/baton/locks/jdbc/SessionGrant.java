package dev.baton.locks.jdbc;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session lock held for one lease. Session locks have no time of their own, so the lease time
 * is enforced here: a timer on the monotonic clock (not the provider's ticker, which tests may
 * freeze) unlocks the name at the server when the lease runs out unrenewed. If this process
 * stands still, so does the timer, and the name stays held by its session until the process
 * resumes or the connection dies: never granted twice.
 */
final class SessionGrant extends Grant {
  private static final Logger log = LoggerFactory.getLogger(SessionGrant.class);

  final SessionLocks locks;
  final Session session;
  final Object key;
  /** Serialises this grant's store operations (renew, unlock, expiry). */
  private final ReentrantLock ops = new ReentrantLock();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile long expiresAt;
  private volatile ScheduledFuture<?> expiry;
  private volatile JdbcLockProvider.JdbcLease lease;
  private volatile Throwable droppedBy;

  SessionGrant(SessionLocks locks, Session session, Object key, String name, long token,
      long tickerStart, long realStart, Duration leaseTime) {
    super(name, token, tickerStart);
    this.locks = locks;
    this.session = session;
    this.key = key;
    this.expiresAt = realStart + leaseTime.toNanos();
  }

  @Override
  void bind(JdbcLockProvider.JdbcLease lease) {
    this.lease = lease;
    if (droppedBy != null) {
      lease.storeLost("its database session ended", droppedBy);
    }
  }

  /** Starts the lease-time timer; called once the grant is registered. */
  void arm() {
    long delay = Math.max(0, expiresAt - System.nanoTime());
    expiry = locks.schedule(this::expire, delay);
  }

  private void expire() {
    ops.lock();
    try {
      if (ended.get()) {
        return;
      }
      if (expiresAt - System.nanoTime() > 0) {
        arm(); // renewed meanwhile
        return;
      }
      endAtStore("its lease time ran out");
    } finally {
      ops.unlock();
    }
  }

  @Override
  boolean renew(Duration leaseTime) {
    ops.lock();
    try {
      if (ended.get()) {
        return false;
      }
      long start = System.nanoTime();
      if (expiresAt - start <= 0) {
        endAtStore("its lease time ran out before the renewal");
        return false;
      }
      return renewChecked(leaseTime, start, locks.alive(session, "renewing " + name));
    } finally {
      ops.unlock();
    }
  }

  /**
   * Renews after the session check that began at {@code checkStart} ({@link System#nanoTime()})
   * found the session {@code alive} or not: the grant lasts {@code leaseTime} from that start,
   * if it was still running then.
   */
  boolean renewChecked(Duration leaseTime, long checkStart, boolean alive) {
    ops.lock();
    try {
      if (ended.get()) {
        return false;
      }
      if (expiresAt - checkStart <= 0) {
        endAtStore("its lease time ran out before the renewal");
        return false;
      }
      if (!alive) {
        if (end()) {
          locks.ended(this);
        }
        return false;
      }
      long before = expiresAt;
      expiresAt = checkStart + leaseTime.toNanos();
      if (expiresAt - before < 0) {
        // Earlier than the timer: re-arm it. A later end needs nothing: the timer finds the
        // grant renewed when it fires and re-arms itself (one wake-up per lease time).
        ScheduledFuture<?> timer = expiry;
        if (timer != null) {
          timer.cancel(false);
        }
        arm();
      }
      return true;
    } finally {
      ops.unlock();
    }
  }

  @Override
  boolean unlock() {
    ops.lock();
    try {
      if (!end()) {
        return false;
      }
      try {
        return locks.unlock(this);
      } finally {
        locks.ended(this); // only now: the name is free at the server before anyone here tries
      }
    } finally {
      ops.unlock();
    }
  }

  /** The session died: the server freed the name already. */
  void dropped(Throwable cause) {
    if (end()) {
      locks.ended(this);
      droppedBy = cause == null ? new IllegalStateException("session ended") : cause;
      JdbcLockProvider.JdbcLease bound = lease;
      if (bound != null) {
        bound.storeLost("its database session ended", droppedBy);
      }
    }
  }

  boolean isEnded() {
    return ended.get();
  }

  private void endAtStore(String why) {
    if (!end()) {
      return;
    }
    try {
      locks.unlock(this);
      log.debug("Unlocked {} (token {}): {}", name, token, why);
    } catch (RuntimeException e) {
      log.warn("Could not unlock {} (token {}) after {}; its session is dropped", name, token, why, e);
      locks.discard(session, e);
    } finally {
      locks.ended(this);
    }
  }

  /** Marks the grant ended, once. The caller then frees the name and calls locks.ended. */
  private boolean end() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    ScheduledFuture<?> timer = expiry;
    if (timer != null) {
      timer.cancel(false);
    }
    return true;
  }
}
