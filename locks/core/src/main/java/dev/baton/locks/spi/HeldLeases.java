package dev.baton.locks.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The leases a provider granted and still holds, ordered by the local deadline each had when it
 * was queued, so the ones that ran out can be found without a scan and forgotten: an unreleased,
 * expired lease must cost no memory and no round trip at {@code close()}.
 *
 * <p>Extending a lease does not move it here (that would cost a lookup per renewal): a lease is
 * queued at an old deadline, and when that deadline comes near it is either found expired or
 * queued again at its current deadline. A deadline that comes earlier (an extend with a shorter
 * lease time) is moved at once, so the sweep armed for the first deadline never comes late.
 *
 * <p>Thread-safe; the lock is never held across I/O or user code.
 */
final class HeldLeases {
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong sequence = new AtomicLong();
  /** Ticker readings are compared by difference, as nanoTime readings are; this is the origin. */
  private final long origin;
  private final TreeSet<AbstractLease> byDeadline = new TreeSet<>(this::compare);

  HeldLeases(long origin) {
    this.origin = origin;
  }

  /** Adds a newly granted lease; true if it is now the first to run out. */
  boolean add(AbstractLease lease) {
    lock.lock();
    try {
      lease.queue(lease.deadline(), sequence.incrementAndGet());
      byDeadline.add(lease);
      return byDeadline.first() == lease;
    } finally {
      lock.unlock();
    }
  }

  void remove(AbstractLease lease) {
    lock.lock();
    try {
      byDeadline.remove(lease);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes out every lease whose deadline passed at {@code now} and returns them. Leases queued
   * to run out within {@code window} of {@code now} that were extended since are queued again
   * at their current deadline, so one sweep moves every kept-alive lease of the coming window
   * and the next sweep is due at the next deadline that has not moved: kept-alive leases cost
   * about one sweep per window, not one per lease.
   */
  List<AbstractLease> takeExpired(long now, long window) {
    List<AbstractLease> expired = new ArrayList<>();
    List<AbstractLease> soon = new ArrayList<>();
    lock.lock();
    try {
      while (!byDeadline.isEmpty()) {
        AbstractLease first = byDeadline.first();
        if (first.queuedDeadline() - now - window > 0) {
          break;
        }
        byDeadline.pollFirst();
        long current = first.deadline();
        if (current - now <= 0) {
          expired.add(first);
        } else if (current - now - window > 0) {
          first.queue(current, sequence.incrementAndGet());
          byDeadline.add(first);
        } else {
          soon.add(first); // runs out within the window: queued again below, where it was
        }
      }
      for (AbstractLease lease : soon) {
        lease.queue(lease.deadline(), sequence.incrementAndGet());
        byDeadline.add(lease);
      }
    } finally {
      lock.unlock();
    }
    return expired;
  }

  /**
   * Queues {@code lease} again at its current deadline, which came earlier than the one it is
   * queued at; true if it is held and now the first to run out.
   */
  boolean moveEarlier(AbstractLease lease) {
    lock.lock();
    try {
      if (!byDeadline.remove(lease)) {
        return false;
      }
      lease.queue(lease.deadline(), sequence.incrementAndGet());
      byDeadline.add(lease);
      return byDeadline.first() == lease;
    } finally {
      lock.unlock();
    }
  }

  /** The queued deadline of the first lease to run out, or {@code fallback} if none is held. */
  long firstDeadline(long fallback) {
    lock.lock();
    try {
      return byDeadline.isEmpty() ? fallback : byDeadline.first().queuedDeadline();
    } finally {
      lock.unlock();
    }
  }

  List<AbstractLease> snapshot() {
    lock.lock();
    try {
      return new ArrayList<>(byDeadline);
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return byDeadline.size();
    } finally {
      lock.unlock();
    }
  }

  private int compare(AbstractLease a, AbstractLease b) {
    int byTime = Long.compare(a.queuedDeadline() - origin, b.queuedDeadline() - origin);
    return byTime != 0 ? byTime : Long.compare(a.queuedSequence(), b.queuedSequence());
  }
}
