package dev.baton.testkit;

import dev.baton.locks.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A ticker on the system's monotonic clock that a test can move ahead of it, freeze (a holder
 * whose process stands still), or make jump right after one particular reading (a deadline
 * passing while a store call is on its way). The store under test keeps its own time.
 *
 * <p>Thread-safe.
 */
public final class ControllableTicker implements Ticker {
  private final AtomicLong offset = new AtomicLong();

  /** The frozen reading, or {@code null} while running. */
  private final AtomicReference<Long> frozenAt = new AtomicReference<>();
  private final AtomicReference<Jump> jump = new AtomicReference<>();

  private record Jump(Thread thread, long nanos) {}

  /** A ticker that runs with the system's monotonic clock until it is frozen, moved or made to jump. */
  public ControllableTicker() {}

  @Override
  public long read() {
    Long frozen = frozenAt.get();
    long now = frozen != null ? frozen : System.nanoTime() + offset.get();
    Jump pending = jump.get();
    if (pending != null && pending.thread() == Thread.currentThread() && jump.compareAndSet(pending, null)) {
      advance(Duration.ofNanos(pending.nanos()));
    }
    return now;
  }

  /**
   * Moves this ticker {@code by} ahead; a frozen ticker stays frozen, at the later reading.
   *
   * @param by how far to move; a negative duration moves it back
   */
  public void advance(Duration by) {
    offset.addAndGet(by.toNanos());
    frozenAt.getAndUpdate(frozen -> frozen == null ? null : frozen + by.toNanos());
  }

  /** Stops the ticker at its current reading, as a paused process sees time. */
  public void freeze() {
    frozenAt.set(System.nanoTime() + offset.get());
  }

  /** Lets the ticker run again from the real time: the paused process resumes. */
  public void resume() {
    frozenAt.set(null);
  }

  /**
   * The next reading by the calling thread still returns the current time; right after it, the
   * ticker moves {@code by} ahead.
   *
   * @param by how far to move after the next read by this thread
   */
  public void jumpAfterNextRead(Duration by) {
    jump.set(new Jump(Thread.currentThread(), by.toNanos()));
  }
}
