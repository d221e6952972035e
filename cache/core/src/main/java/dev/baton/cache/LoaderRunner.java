package dev.baton.cache;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a cache's loaders on its loader threads, each bounded by the loader timeout (counted
 * from the submission, so time spent queued for a thread counts): a late loader is interrupted
 * (or dropped from the queue) and its caller gets a {@link CacheLoadException}; a loader the
 * pool cannot take (every thread busy and the queue full) fails at once. The caller's own wait is interruptible.
 * Thread-safe.
 */
final class LoaderRunner {
  private final String name;
  private final Executor loaders;
  private final Duration loaderTimeout;
  private final CacheThreads threads;

  LoaderRunner(String name, CacheThreads threads, Duration loaderTimeout) {
    this.name = name;
    this.threads = threads;
    this.loaders = threads.loaders;
    this.loaderTimeout = loaderTimeout;
  }

  <K, V> V call(K key, String storeKey, CacheLoader<? super K, ? extends V> loader) {
    FutureTask<V> task = new FutureTask<>(() -> loader.load(key));
    try {
      loaders.execute(task);
    } catch (RejectedExecutionException e) {
      throw new CacheLoadException("cache " + name + " cannot run the loader of " + storeKey
          + ": every loader thread is busy and " + CacheThreads.QUEUE + " loads are queued "
          + "(loaders that ignore interrupts keep their thread past the timeout), or the "
          + "cache is closed", e);
    }
    try {
      return task.get(loaderTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      threads.forget(task);
      throw new CacheLoadException("loader of " + storeKey + " in cache " + name
          + " did not finish within " + loaderTimeout, e);
    } catch (InterruptedException e) {
      task.cancel(true);
      threads.forget(task);
      Thread.currentThread().interrupt();
      throw new CacheLoadException("interrupted while waiting for the loader of " + storeKey
          + " in cache " + name, e);
    } catch (CancellationException e) {
      throw new CacheLoadException("loader of " + storeKey + " in cache " + name
          + " was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new CacheLoadException("loader of " + storeKey + " in cache " + name + " failed: "
          + cause, cause);
    }
  }
}
