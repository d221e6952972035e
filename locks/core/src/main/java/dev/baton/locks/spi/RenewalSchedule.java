package dev.baton.locks.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One timer for every keep-alive renewal of a provider. Each kept-alive lease is queued at the
 * time its next renewal falls due (a third of its lease time after the last one); a renewal may
 * go out up to {@link #slackNanos} before or after that time ({@value #MAX_SLACK_MILLIS} ms, or a
 * twentieth of its lease time if that is less), so the renewals due close together go out on
 * one wake-up of the timer and, for a backend that renews many leases in one store call
 * ({@link AbstractLockProvider#renewAll}), in one round trip per batch. A renewal is never later
 * than its slack, and the slack is small next to the two thirds of the lease time still left
 * when it falls due, so it never brings a lease near its deadline.
 *
 * <p>So 10,000 leases kept alive cost a few timer wake-ups a second, not one per renewal: the
 * timer is armed for the first renewal's latest time only, and queueing a renewal behind it
 * costs no wake-up. A lease that is released or lost stays queued until its time comes and is
 * then dropped without a store call.
 *
 * <p>The timer only takes the due renewals out and hands them, in batches of at most the
 * backend's batch size, to the renewal threads; it never waits for I/O.
 *
 * <p>Thread-safe.
 */
final class RenewalSchedule {
  static final long MAX_SLACK_MILLIS = 100;

  /** One queued renewal, ordered by the latest time it may go out. */
  private record Due(AbstractLease lease, long earliest, long latest, long sequence)
      implements Comparable<Due> {
    @Override
    public int compareTo(Due other) {
      int byTime = Long.compare(latest - other.latest, 0);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  private final int batchSize;
  private final ScheduledExecutorService timers;
  private final Consumer<List<AbstractLease>> renewBatch;
  /** Guards the queue and the timer; never held across I/O. */
  private final ReentrantLock lock = new ReentrantLock();
  private final PriorityQueue<Due> queue = new PriorityQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong wakeUps = new AtomicLong();
  private ScheduledFuture<?> timer;
  private long armedFor;

  /**
   * @param batchSize the most leases handed to {@code renewBatch} at once
   * @param timers where the one timer runs
   * @param renewBatch renews a batch; called on the timer thread, so it must hand the store
   *     calls over to other threads
   */
  RenewalSchedule(int batchSize, ScheduledExecutorService timers,
      Consumer<List<AbstractLease>> renewBatch) {
    this.batchSize = batchSize;
    this.timers = timers;
    this.renewBatch = renewBatch;
  }

  /** How far from its due time a renewal of {@code leaseTime} may go out. */
  static long slackNanos(Duration leaseTime) {
    return Math.max(1, Math.min(TimeUnit.MILLISECONDS.toNanos(MAX_SLACK_MILLIS),
        LockArguments.nanos(leaseTime) / 20));
  }

  /**
   * Queues the next renewal of {@code lease}, due {@code periodNanos} from now; never blocks on
   * I/O.
   */
  void schedule(AbstractLease lease, Duration leaseTime, long periodNanos) {
    long due = System.nanoTime() + periodNanos;
    long slack = slackNanos(leaseTime);
    Due entry = new Due(lease, due - slack, due + slack, sequence.incrementAndGet());
    lock.lock();
    try {
      queue.add(entry);
      if (timer == null || entry.latest - armedFor < 0) {
        arm(entry.latest);
      }
    } finally {
      lock.unlock();
    }
  }

  /** How often the timer has fired; tests only. */
  long wakeUps() {
    return wakeUps.get();
  }

  /** Call with {@code lock} held. */
  private void arm(long at) {
    if (timer != null) {
      timer.cancel(false);
    }
    armedFor = at;
    try {
      timer = timers.schedule(this::fire, Math.max(1, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      timer = null; // the provider is closing and releases its leases itself
    }
  }

  /** Takes out every renewal whose window has begun and hands them over in batches. */
  private void fire() {
    wakeUps.incrementAndGet();
    List<List<AbstractLease>> batches = new ArrayList<>();
    lock.lock();
    try {
      timer = null;
      long now = System.nanoTime();
      List<AbstractLease> batch = new ArrayList<>();
      while (!queue.isEmpty() && queue.peek().earliest - now <= 0) {
        AbstractLease lease = queue.poll().lease;
        if (!lease.keptAlive()) {
          continue; // released or lost since it was queued
        }
        batch.add(lease);
        if (batch.size() == batchSize) {
          batches.add(batch);
          batch = new ArrayList<>();
        }
      }
      if (!batch.isEmpty()) {
        batches.add(batch);
      }
      if (!queue.isEmpty()) {
        arm(queue.peek().latest);
      }
    } finally {
      lock.unlock();
    }
    for (List<AbstractLease> due : batches) {
      renewBatch.accept(due);
    }
  }
}
