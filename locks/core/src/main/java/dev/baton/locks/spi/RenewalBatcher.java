package dev.baton.locks.spi;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Gathers the keep-alive renewals that fall due close together into batches, so that a backend
 * able to renew many leases in one store call ({@link AbstractLockProvider#renewAll}) makes one
 * round trip for many renewals. A renewal waits at most {@link #gatherNanos} before its batch
 * goes out: {@value #MAX_GATHER_MILLIS} ms, or a twentieth of its lease time if that is less,
 * while a keep-alive renews a third of the way into its lease time, so the wait never brings a
 * lease near its deadline. A batch goes out at once when it reaches the backend's batch size.
 *
 * <p>Batches run on the provider's renewal threads; the timers only queue.
 *
 * <p>Thread-safe.
 */
final class RenewalBatcher {
  static final long MAX_GATHER_MILLIS = 100;

  private final int batchSize;
  private final ScheduledExecutorService timers;
  private final RenewalThreads threads;
  private final Consumer<List<AbstractLease>> renewBatch;
  /** Guards the queue and the flush timer; never held across I/O. */
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<AbstractLease> queue = new ArrayDeque<>();
  private ScheduledFuture<?> flush;
  private long flushAt;

  RenewalBatcher(int batchSize, ScheduledExecutorService timers, RenewalThreads threads,
      Consumer<List<AbstractLease>> renewBatch) {
    this.batchSize = batchSize;
    this.timers = timers;
    this.threads = threads;
    this.renewBatch = renewBatch;
  }

  /** The longest a renewal of {@code leaseTime} waits for its batch. */
  static long gatherNanos(Duration leaseTime) {
    return Math.max(1, Math.min(TimeUnit.MILLISECONDS.toNanos(MAX_GATHER_MILLIS),
        LockArguments.nanos(leaseTime) / 20));
  }

  /** Queues a due renewal; called by the lease's timer, so it never blocks on I/O. */
  void submit(AbstractLease lease, Duration leaseTime) {
    List<AbstractLease> full = null;
    lock.lock();
    try {
      queue.add(lease);
      if (queue.size() >= batchSize) {
        full = take();
      } else {
        long at = System.nanoTime() + gatherNanos(leaseTime);
        if (flush == null || at - flushAt < 0) {
          if (flush != null) {
            flush.cancel(false);
          }
          flushAt = at;
          flush = schedule(at - System.nanoTime());
        }
      }
    } finally {
      lock.unlock();
    }
    if (full != null) {
      dispatch(full);
    }
  }

  private ScheduledFuture<?> schedule(long delayNanos) {
    try {
      return timers.schedule(this::flush, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      return null; // the provider is closing and releases its leases itself
    }
  }

  private void flush() {
    List<List<AbstractLease>> batches = new ArrayList<>();
    lock.lock();
    try {
      flush = null;
      while (!queue.isEmpty()) {
        batches.add(take());
      }
    } finally {
      lock.unlock();
    }
    for (List<AbstractLease> batch : batches) {
      dispatch(batch);
    }
  }

  /** Up to one batch from the head of the queue; call with {@code lock} held. */
  private List<AbstractLease> take() {
    List<AbstractLease> batch = new ArrayList<>(Math.min(batchSize, queue.size()));
    while (batch.size() < batchSize && !queue.isEmpty()) {
      batch.add(queue.poll());
    }
    return batch;
  }

  private void dispatch(List<AbstractLease> batch) {
    threads.execute(() -> renewBatch.accept(batch));
  }
}
