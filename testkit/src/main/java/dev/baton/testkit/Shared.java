package dev.baton.testkit;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A value created once, lazily, on first use; a failure is remembered and reported again
 * instead of retrying a start that takes up to a minute to fail. Thread-safe.
 */
final class Shared<T> {
  private final ReentrantLock lock = new ReentrantLock();
  private volatile T value;
  private RuntimeException failure;

  T get(Supplier<T> factory) {
    T current = value;
    if (current != null) {
      return current;
    }
    lock.lock();
    try {
      if (value != null) {
        return value;
      }
      if (failure != null) {
        throw new IllegalStateException("The shared server failed to start earlier in this JVM: "
            + failure.getMessage(), failure);
      }
      try {
        value = factory.get();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
      return value;
    } finally {
      lock.unlock();
    }
  }
}
