package dev.baton.locks;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Decides when the primary's failures amount to a sustained outage: the primary failed, and
 * nothing it was asked since (acquisitions and probes) succeeded, for at least the configured
 * time. Any answer from the primary ends the outage.
 *
 * <p>Thread-safe.
 */
final class PrimaryOutage {
  /** What a failure means. */
  enum Verdict {
    /** The first failure after an answer: the outage begins now. */
    BEGUN,
    /** Failing, but not yet for long enough. */
    ONGOING,
    /** Failing for at least the configured time: switch. */
    SUSTAINED
  }

  private final Ticker ticker;
  private final long switchAfterNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean failing;
  private long failingSince;

  PrimaryOutage(Ticker ticker, long switchAfterNanos) {
    this.ticker = ticker;
    this.switchAfterNanos = switchAfterNanos;
  }

  /** Records a failure of the primary now. */
  Verdict failed() {
    long now = ticker.read();
    lock.lock();
    try {
      Verdict verdict;
      if (!failing) {
        failing = true;
        failingSince = now;
        verdict = Verdict.BEGUN;
      } else {
        verdict = Verdict.ONGOING;
      }
      return now - failingSince >= switchAfterNanos ? Verdict.SUSTAINED : verdict;
    } finally {
      lock.unlock();
    }
  }

  /** Records an answer of the primary: the outage, if any, is over. */
  void answered() {
    lock.lock();
    try {
      failing = false;
    } finally {
      lock.unlock();
    }
  }

  /** True between a failure and the next answer. */
  boolean isFailing() {
    lock.lock();
    try {
      return failing;
    } finally {
      lock.unlock();
    }
  }

  /** How long the current outage has lasted, in nanoseconds; 0 if none. */
  long failingForNanos() {
    long now = ticker.read();
    lock.lock();
    try {
      return failing ? now - failingSince : 0;
    } finally {
      lock.unlock();
    }
  }
}
