package dev.baton.locks.spi;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that make a provider's keep-alive renewals: the provider's timer threads only
 * fire a renewal and hand its store call over here, so a slow store call holds up neither the
 * timers (other renewals, the sweep that notices expiries) nor more than one of these
 * threads. Up to {@link #THREADS} renewals run at once; more wait in line. Threads are started on demand and
 * end after {@link #IDLE_SECONDS} idle, so a provider without kept-alive leases has none.
 *
 * <p>Thread-safe.
 */
final class RenewalThreads {
  /** How many renewals of one provider may be in flight at once. */
  static final int THREADS = 16;
  static final long IDLE_SECONDS = 30;

  private final ThreadPoolExecutor pool;

  RenewalThreads(String store, int instance) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads = task -> {
      Thread thread = new Thread(task,
          "baton-" + store + "-" + instance + "-renew-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    pool = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), threads);
    pool.allowCoreThreadTimeOut(true);
  }

  /** Runs {@code renewal} on a renewal thread; does nothing once the provider is closing. */
  void execute(Runnable renewal) {
    try {
      pool.execute(renewal);
    } catch (RejectedExecutionException closing) {
      // The provider is closing and releases the lease itself.
    }
  }

  /** Stops taking renewals; those in flight finish (release waits for them anyway). */
  void shutdown() {
    pool.shutdown();
  }
}
