package dev.baton.locks.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One timer for the lease times of all session grants of a provider (session locks have no
 * time of their own; {@link SessionGrant} ends a grant at the server when it ran out unrenewed).
 * Grants are queued by the end they had when queued; a renewal moves nothing here. When the
 * timer fires, every grant queued to end within {@link #WINDOW_NANOS} is looked at: one that
 * ran out is ended (on a store-call thread), one renewed since is queued again at its new end.
 * So kept-alive grants cost about one wake-up per window, not one per grant and lease time; a
 * grant whose end came earlier ({@link #moveEarlier}) is moved at once, so the timer is never
 * late for it. Times are {@link System#nanoTime()}, never the provider's ticker.
 *
 * <p>Thread-safe; the lock is never held across I/O.
 */
final class GrantExpiries {
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ScheduledExecutorService timers;
  private final Executor storeCalls;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong sequence = new AtomicLong();
  private final TreeSet<SessionGrant> byEnd = new TreeSet<>(GrantExpiries::compare);
  private ScheduledFuture<?> timer;
  private long armedFor;

  GrantExpiries(ScheduledExecutorService timers, Executor storeCalls) {
    this.timers = timers;
    this.storeCalls = storeCalls;
  }

  /** Starts watching a new grant's lease time. */
  void add(SessionGrant grant) {
    lock.lock();
    try {
      queueLocked(grant);
    } finally {
      lock.unlock();
    }
  }

  /** The grant's end came earlier than the one it is queued at. */
  void moveEarlier(SessionGrant grant) {
    lock.lock();
    try {
      if (byEnd.remove(grant)) {
        queueLocked(grant);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The grant ended: no need to watch it any more. */
  void remove(SessionGrant grant) {
    lock.lock();
    try {
      byEnd.remove(grant);
    } finally {
      lock.unlock();
    }
  }

  /** Call with {@code lock} held. */
  private void queueLocked(SessionGrant grant) {
    grant.queue(grant.expiresAt(), sequence.incrementAndGet());
    byEnd.add(grant);
    if (byEnd.first() == grant) {
      armLocked(grant.queuedEnd());
    }
  }

  /** Call with {@code lock} held. */
  private void armLocked(long at) {
    if (timer != null) {
      if (armedFor - at <= 0) {
        return; // armed for an earlier time already
      }
      timer.cancel(false);
    }
    armedFor = at;
    try {
      timer = timers.schedule(this::fire, Math.max(1, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      timer = null; // the provider is closing; close ends the grants
    }
  }

  private void fire() {
    List<SessionGrant> due = new ArrayList<>();
    lock.lock();
    try {
      timer = null;
      long now = System.nanoTime();
      List<SessionGrant> soon = new ArrayList<>();
      while (!byEnd.isEmpty() && byEnd.first().queuedEnd() - now - WINDOW_NANOS <= 0) {
        SessionGrant grant = byEnd.pollFirst();
        long end = grant.expiresAt();
        if (grant.isEnded()) {
          continue;
        }
        if (end - now <= 0) {
          due.add(grant);
        } else if (end - now - WINDOW_NANOS > 0) {
          grant.queue(end, sequence.incrementAndGet());
          byEnd.add(grant);
        } else {
          soon.add(grant); // ends within the window: queued again below, at its end
        }
      }
      for (SessionGrant grant : soon) {
        grant.queue(grant.expiresAt(), sequence.incrementAndGet());
        byEnd.add(grant);
      }
      if (!byEnd.isEmpty()) {
        armLocked(byEnd.first().queuedEnd());
      }
    } finally {
      lock.unlock();
    }
    for (SessionGrant grant : due) {
      try {
        storeCalls.execute(grant::expire); // unlocks at the server: not on the timer thread
      } catch (RejectedExecutionException closing) {
        return; // the provider is closing; close ends the grants
      }
    }
  }

  private static int compare(SessionGrant a, SessionGrant b) {
    int byTime = Long.compare(a.queuedEnd() - b.queuedEnd(), 0);
    return byTime != 0 ? byTime : Long.compare(a.queuedSequence(), b.queuedSequence());
  }
}
