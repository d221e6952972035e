package dev.baton.cache;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a cache runs work on: loaders, and the background (getAsync, early refreshes).
 * Either the executor the application gave, used for both, or two bounded pools the cache owns,
 * each of at most {@code threads} threads with up to {@link #QUEUE} tasks waiting; a task beyond
 * that is rejected at once. A loader that ignores interrupts can hold a thread, but never grow
 * the pool. Thread-safe.
 */
final class CacheThreads {
  /** Tasks that may wait for a thread of each of the cache's own pools. */
  static final int QUEUE = 1_000;
  private static final AtomicInteger THREADS = new AtomicInteger();

  final Executor loaders;
  final Executor background;
  private final ExecutorService ownLoaders; // null when the application gave an executor
  private final ExecutorService ownBackground;

  CacheThreads(String cache, Executor given, int threads) {
    if (given != null) {
      this.loaders = given;
      this.background = given;
      this.ownLoaders = null;
      this.ownBackground = null;
      return;
    }
    this.ownLoaders = pool(threads, "baton-cache-" + cache + "-load-");
    this.ownBackground = pool(threads, "baton-cache-" + cache + "-async-");
    this.loaders = ownLoaders;
    this.background = ownBackground;
  }

  private static ThreadPoolExecutor pool(int threads, String prefix) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(QUEUE), runnable -> daemon(runnable, prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Drops a task that gave up while still queued, so it does not hold a place in the queue. */
  void forget(Runnable task) {
    if (ownLoaders instanceof ThreadPoolExecutor pool) {
      pool.remove(task);
    }
  }

  private static Thread daemon(Runnable runnable, String prefix) {
    Thread thread = new Thread(runnable, prefix + THREADS.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  /** Stops the cache's own pools (interrupting what runs); a given executor is left alone. */
  void close() {
    if (ownLoaders != null) {
      ownLoaders.shutdownNow();
      ownBackground.shutdownNow();
    }
  }
}
