package dev.baton.locks.spi;

import dev.baton.locks.LockUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees, in the background, what a store may have granted to an acquisition whose answer never
 * came. A request that times out may still have been carried out: the name is then held by an
 * owner token (a row owner, a lease id) that nobody uses, and stays held for the whole lease.
 * A backend that failed an attempt after sending it hands this class an owner-checked release
 * for that attempt's owner; it runs at once, and again while it fails:
 *
 * <ul>
 *   <li>freed: done, the name is free again;
 *   <li>nothing held by that owner: the attempt never landed, or has not yet. It is looked at
 *       once more after the retry delay, which catches a request that arrives late, then done;
 *   <li>failed (the store is still unreachable): tried again after the retry delay, doubling,
 *       at most {@value #MAX_TRIES} times, and never after the attempt's lease would have ended
 *       at the store anyway.
 * </ul>
 *
 * <p>The release must be owner-checked (it can free only the given attempt's grant), so it can
 * never end a lease behind its holder's back. At most {@value #MAX_PENDING} releases wait at
 * once per instance: during a long outage the rest are left to expire with their lease. Each
 * one logs a single warning with the lock name. Timed by the given scheduler (a provider's
 * {@link AbstractLockProvider#scheduler()}); the store calls run on the given executor (the
 * provider's {@link AbstractLockProvider#storeCallThreads()}), so a stalled store holds up no
 * timer. When the provider closes, {@link #releaseNow()} tries every release still pending
 * once more on the closing thread, so a close does not leave a late grant to its lease.
 *
 * <p>Thread-safe.
 */
public final class LateGrantReleases {
  private static final Logger log = LoggerFactory.getLogger(LateGrantReleases.class);
  /** Attempts per release, the first included. */
  static final int MAX_TRIES = 5;
  /** Releases under way at once, per instance. */
  static final int MAX_PENDING = 256;

  /**
   * An owner-checked release of one attempt's possible grant.
   *
   * <p>Called on a scheduler thread of the provider, not the thread that made the attempt, and
   * possibly several times (one try at a time, never concurrently with itself), so it must be
   * safe to call again after a failure and must not rely on the caller's thread.
   */
  @FunctionalInterface
  public interface Release {
    /**
     * Frees the name if the store holds it for the attempt's owner.
     *
     * @return true if this call freed it, false if the store holds nothing for that owner
     * @throws RuntimeException (e.g. {@link LockUnavailableException}) if the store could not
     *     be asked; the release is tried again
     */
    boolean run();
  }

  private final String store;
  private final ScheduledExecutorService scheduler;
  private final Executor calls;
  private final long retryDelayNanos;
  private final AtomicInteger pending = new AtomicInteger();
  private final Set<Task> tasks = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  /**
   * Background releases for one provider's late grants.
   *
   * @param store the store's name, for log messages
   * @param scheduler runs the releases; a shut-down scheduler ends them
   * @param retryDelay the first pause before a release is tried again (about the store's
   *     request timeout)
   */
  public LateGrantReleases(String store, ScheduledExecutorService scheduler, Duration retryDelay) {
    this(store, scheduler, scheduler, retryDelay);
  }

  /**
   * Background releases for one provider's late grants, timed by {@code scheduler} and run on
   * {@code calls}.
   *
   * @param store the store's name, for log messages
   * @param scheduler times the releases; a shut-down scheduler ends them
   * @param calls runs the store calls (e.g. {@link AbstractLockProvider#storeCallThreads()})
   * @param retryDelay the first pause before a release is tried again (about the store's
   *     request timeout)
   */
  public LateGrantReleases(String store, ScheduledExecutorService scheduler, Executor calls,
      Duration retryDelay) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.store = Objects.requireNonNull(store, "store");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.retryDelayNanos = LockArguments.nanos(LockArguments.checkTimeout("retryDelay", retryDelay));
  }

  /**
   * Starts releasing what the failed attempt at {@code name} may hold; returns at once.
   *
   * @param name the lock name, for log messages
   * @param leaseTime the lease the attempt asked for: after it, the store has let go anyway
   * @param attemptStart {@link System#nanoTime()} before the attempt was sent
   * @param cause why the attempt's answer is unknown, for the log message
   * @param release the owner-checked release of the attempt's owner
   */
  public void release(String name, Duration leaseTime, long attemptStart, Throwable cause,
      Release release) {
    Objects.requireNonNull(release, "release");
    long end = LockArguments.deadlineAfter(attemptStart, leaseTime);
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      log.warn("Acquiring {} on {} got no answer ({}); too many releases under way, so what it"
          + " may hold is left to expire with its lease of {}", name, store, cause, leaseTime);
      return;
    }
    log.warn("Acquiring {} on {} got no answer ({}); releasing in the background what the store"
        + " may have granted it", name, store, String.valueOf(cause));
    Task task = new Task(name, end, release);
    tasks.add(task);
    if (closing) {
      task.runOnce(true); // the provider is closing: one try, here
    } else {
      submit(task, 0);
    }
  }

  /**
   * Tries every release still pending once more, now, on the calling thread, and ends them:
   * called by a closing provider before it closes its client (its scheduler no longer runs
   * them). Bounded: after the retry delay has passed in total, the rest are left to expire
   * with their leases. A release running right now is waited for, not repeated.
   */
  public void releaseNow() {
    closing = true;
    long deadline = System.nanoTime() + retryDelayNanos;
    for (Task task : tasks) {
      if (deadline - System.nanoTime() <= 0) {
        log.warn("Closing the {} lock provider: the late grant of {} is left to expire with its"
            + " lease", store, task.name);
        task.finish();
        continue;
      }
      task.runOnce(true);
    }
  }

  /**
   * Releases begun and not yet finished.
   *
   * @return the number of background releases still pending
   */
  public int pending() {
    return pending.get();
  }

  private void submit(Task task, long delayNanos) {
    try {
      scheduler.schedule(() -> execute(task), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      log.debug("Not scheduling the late grant release of {} on {}: the provider is closing",
          task.name, store); // releaseNow() tries it
    }
  }

  private void execute(Task task) {
    try {
      calls.execute(task);
    } catch (RejectedExecutionException shutDown) {
      log.debug("Not running the late grant release of {} on {}: the provider is closing",
          task.name, store); // releaseNow() tries it
    }
  }

  private final class Task implements Runnable {
    private final String name;
    private final long end;
    private final Release release;
    /** Serialises the tries of this release (a scheduled one and releaseNow's). */
    private final ReentrantLock busy = new ReentrantLock();
    private int tries;
    private boolean foundNothing;
    private boolean done;
    private long delay = retryDelayNanos;

    Task(String name, long end, Release release) {
      this.name = name;
      this.end = end;
      this.release = release;
    }

    @Override
    public void run() {
      runOnce(false);
    }

    /** One try; then again later, unless it is done, out of tries, or {@code last}. */
    void runOnce(boolean last) {
      busy.lock();
      try {
        if (done) {
          return;
        }
        tries++;
        boolean again;
        try {
          if (release.run()) {
            log.debug("Released the late grant of {} on {}", name, store);
            again = false;
          } else {
            again = !foundNothing; // look once more, for a request that lands late
            foundNothing = true;
          }
        } catch (RuntimeException e) {
          again = true;
          log.debug("Releasing the late grant of {} on {} failed (try {}): {}", name, store, tries,
              e.toString());
        }
        if (last || !again || tries >= MAX_TRIES || end - System.nanoTime() <= 0) {
          finish();
        } else if (!closing) {
          long wait = delay;
          delay = Math.min(delay * 2, TimeUnit.MINUTES.toNanos(1));
          submit(this, wait);
        }
        // Closing and to be tried again: left pending, releaseNow() makes the last try.
      } finally {
        busy.unlock();
      }
    }

    /** Ends this release, once. */
    void finish() {
      busy.lock();
      try {
        if (!done) {
          done = true;
          tasks.remove(this);
          pending.decrementAndGet();
        }
      } finally {
        busy.unlock();
      }
    }
  }
}
