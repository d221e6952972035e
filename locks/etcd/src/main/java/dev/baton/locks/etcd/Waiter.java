package dev.baton.locks.etcd;

import io.etcd.jetcd.watch.WatchResponse;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wake-up state of one waiting acquisition: a generation counter that the watch on the
 * predecessor's key, a watch failure and the provider's close bump, and a condition the waiting
 * thread sleeps on. The waiter reads the generation before it looks at etcd and sleeps only while
 * it is unchanged, so a wake-up that comes between the look and the sleep is never lost.
 *
 * <p>Thread-safe: jetcd calls {@link Watching} from its own threads.
 */
final class Waiter {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation;

  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  void wake() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sleeps until the generation differs from {@code seen} or {@code nanos} have passed. */
  void awaitChange(long seen, long nanos) throws InterruptedException {
    lock.lock();
    try {
      while (generation == seen && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * One watch on the predecessor's key, for deletions only. Every event, error or end wakes the
   * waiter; an error or an end marks the watch as failed so the waiter looks again at etcd and
   * watches anew. Once cancelled by the waiter, it reports nothing more.
   */
  final class Watching implements io.etcd.jetcd.Watch.Listener {
    private volatile boolean cancelled;
    private volatile boolean failed;

    boolean failed() {
      return failed;
    }

    void cancel() {
      cancelled = true;
    }

    @Override
    public void onNext(WatchResponse response) {
      if (!cancelled && !response.getEvents().isEmpty()) {
        wake(); // the watch filters out puts: every event is a deletion of the predecessor
      }
    }

    @Override
    public void onError(Throwable error) {
      if (!cancelled) {
        failed = true;
        wake();
      }
    }

    @Override
    public void onCompleted() {
      if (!cancelled) {
        failed = true;
        wake();
      }
    }
  }
}
