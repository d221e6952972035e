package dev.baton.locks.jdbc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session lock held for one lease. Session locks have no time of their own, so the lease time
 * is enforced here: the provider's one grant timer ({@link GrantExpiries}), on the monotonic
 * clock (not the provider's ticker, which tests may freeze), unlocks the name at the server when
 * the lease runs out unrenewed. If this process
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
  /** The position in {@link GrantExpiries}; guarded by its lock. */
  private long queuedEnd;
  private long queuedSequence;
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

  /** Starts watching the lease time; called once the grant is registered. */
  void arm() {
    locks.expiries().add(this);
  }

  /** The grant timer found the lease time over: ends the grant unless it was renewed since. */
  void expire() {
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
        // Earlier than the timer may be armed for: move it. A later end needs nothing: the
        // timer finds the grant renewed when its old end comes near and queues it again.
        locks.expiries().moveEarlier(this);
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
    locks.expiries().remove(this);
    return true;
  }

  long expiresAt() {
    return expiresAt;
  }

  void queue(long queuedEnd, long queuedSequence) {
    this.queuedEnd = queuedEnd;
    this.queuedSequence = queuedSequence;
  }

  long queuedEnd() {
    return queuedEnd;
  }

  long queuedSequence() {
    return queuedSequence;
  }
}
