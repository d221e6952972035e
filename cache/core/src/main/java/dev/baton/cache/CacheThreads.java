package dev.baton.cache;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a cache runs work on: loaders, and the background (getAsync, early refreshes).
 * Either the executor the application gave, used for both, or two bounded pools the cache owns:
 * at most {@code threads} loaders run at once (one more is rejected at once, so a loader that
 * ignores interrupts can hold a thread but never grow the pool), and at most {@code threads}
 * background tasks run with up to {@link #BACKGROUND_QUEUE} more waiting (further ones are
 * rejected). Thread-safe.
 */
final class CacheThreads {
  /** Background tasks that may wait for a thread of the cache's own pool. */
  static final int BACKGROUND_QUEUE = 1_000;
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
    ThreadPoolExecutor loaderPool = new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), runnable -> daemon(runnable, "baton-cache-" + cache + "-load-"));
    ThreadPoolExecutor backgroundPool = new ThreadPoolExecutor(threads, threads, 30,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(BACKGROUND_QUEUE),
        runnable -> daemon(runnable, "baton-cache-" + cache + "-async-"));
    backgroundPool.allowCoreThreadTimeOut(true);
    this.ownLoaders = loaderPool;
    this.ownBackground = backgroundPool;
    this.loaders = loaderPool;
    this.background = backgroundPool;
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
