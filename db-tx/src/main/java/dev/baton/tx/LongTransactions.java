package dev.baton.tx;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The long-transaction watchdog of every {@link Transactor}: open outermost transactions are
 * registered (a set insert, no thread wake-up), and one daemon thread looks at them every
 * {@value #SWEEP_MILLIS} ms, reporting each once it has passed its threshold while still open.
 * The report comes at most that much after the threshold.
 */
final class LongTransactions {
  static final long SWEEP_MILLIS = 100;
  private static final Set<OpenTransaction> OPEN = ConcurrentHashMap.newKeySet();

  private LongTransactions() {}

  static void opened(OpenTransaction tx, long thresholdNanos) {
    tx.longAfterNanos = tx.startNanos + thresholdNanos;
    Sweeper.start();
    OPEN.add(tx);
  }

  static void ended(OpenTransaction tx) {
    OPEN.remove(tx);
  }

  private static void sweep() {
    long now = System.nanoTime();
    for (OpenTransaction tx : OPEN) {
      if (now - tx.longAfterNanos > 0 && !tx.reportedLong.get()) {
        try {
          tx.transactor.stillOpen(tx);
        } catch (RuntimeException e) { // keep sweeping for the others
          Transactor.LOG.warn("long-transaction report failed: {}", e.toString(), e);
        }
      }
    }
  }

  /** Started with the first transaction; a daemon, so it never keeps the JVM alive. */
  private static final class Sweeper {
    static {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "baton-tx-watchdog");
        thread.setDaemon(true);
        return thread;
      });
      timer.scheduleWithFixedDelay(LongTransactions::sweep, SWEEP_MILLIS, SWEEP_MILLIS,
          TimeUnit.MILLISECONDS);
    }

    static void start() {
      // loading this class ran its static initialiser once
    }
  }
}
