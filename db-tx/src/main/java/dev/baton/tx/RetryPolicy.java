package dev.baton.tx;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed transaction is run again. A failure is retried if anywhere in its cause chain
 * (including each SQL error's next exceptions) there is a serialization failure (SQLState
 * {@code 40001}), a deadlock ({@code 40P01}, MySQL/MariaDB error 1213), or, when
 * {@link Builder#retryLockTimeouts(boolean) asked}, a lock-wait timeout ({@code 55P03}, error
 * 1205, H2 50200). Nothing else is retried: not constraint violations, not connection failures
 * (the work might have been committed), not the caller's own exceptions.
 *
 * <p>Each attempt runs on a fresh connection in a fresh transaction. Between attempts the
 * transactor sleeps a jittered, exponentially growing backoff: a random time between half and
 * all of {@code min(maxBackoff, initialBackoff × 2^(attempt-1))}. It stops after
 * {@code maxAttempts} attempts, or earlier when the next attempt would start after the overall
 * {@code deadline} (counted from the start of the first attempt), and then throws the last
 * failure, with the earlier ones attached as suppressed.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder().maxAttempts(10).deadline(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy NONE = builder().maxAttempts(1).build();
  private static final RetryPolicy DEFAULTS = builder().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration deadline;
  private final boolean retryLockTimeouts;

  private RetryPolicy(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.deadline = builder.deadline;
    this.retryLockTimeouts = builder.retryLockTimeouts;
  }

  /** {@return a policy of one attempt, no retry} */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * 5 attempts, backoff from 10 ms up to 1 s, an overall deadline of 30 s, lock-wait timeouts
   * not retried. The default of every transactor.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** {@return a builder that starts from the {@link #defaults() defaults}} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the attempts in all, the first included} */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** {@return the backoff before the second attempt (before jitter)} */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** {@return the longest backoff (before jitter)} */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** {@return how long after the first attempt started a new attempt may still start} */
  public Duration deadline() {
    return deadline;
  }

  /** {@return whether lock-wait timeouts are retried} */
  public boolean retriesLockTimeouts() {
    return retryLockTimeouts;
  }

  /**
   * Whether {@code failure} is of a kind this policy retries (regardless of attempts left).
   *
   * @param failure the failure of an attempt; its whole cause chain is searched
   * @return true if a serialization failure, a deadlock or (if enabled) a lock-wait timeout is
   *     in the chain
   */
  public boolean isRetryable(Throwable failure) {
    return SqlFailures.anyInChain(failure, e -> SqlFailures.isSerializationFailure(e)
        || SqlFailures.isDeadlock(e) || (retryLockTimeouts && SqlFailures.isLockTimeout(e)));
  }

  /** The sleep before attempt {@code attempt + 1}, jittered. */
  Duration backoffAfter(int attempt) {
    long initial = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    long base = attempt >= 62 || initial > (cap >> Math.min(attempt - 1, 62))
        ? cap : Math.min(cap, initial << (attempt - 1));
    long half = base / 2;
    return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(base - half + 1));
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".."
        + maxBackoff + ", deadline=" + deadline + ", lockTimeouts=" + retryLockTimeouts + "]";
  }

  /** Configures a {@link RetryPolicy}. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(10);
    private Duration maxBackoff = Duration.ofSeconds(1);
    private Duration deadline = Duration.ofSeconds(30);
    private boolean retryLockTimeouts;

    private Builder() {}

    /**
     * Attempts in all, the first included; at least 1. Default 5.
     *
     * @param maxAttempts the number of attempts
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The backoff before the second attempt; positive. Default 10 ms.
     *
     * @param initialBackoff the first backoff, doubled for each further attempt
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = positive("initialBackoff", initialBackoff);
      return this;
    }

    /**
     * The longest backoff; positive. Default 1 s.
     *
     * @param maxBackoff the cap on the growing backoff
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive("maxBackoff", maxBackoff);
      return this;
    }

    /**
     * No attempt starts later than this after the first one started; positive. Default 30 s.
     * A running attempt is not cut short: bound it with a statement timeout.
     *
     * @param deadline the overall time budget for starting attempts
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive("deadline", deadline);
      return this;
    }

    /**
     * Also retry lock-wait timeouts (55P03, 1205, H2 50200). Default false.
     *
     * @param retryLockTimeouts whether to retry them
     * @return this builder
     */
    public Builder retryLockTimeouts(boolean retryLockTimeouts) {
      this.retryLockTimeouts = retryLockTimeouts;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if {@code maxBackoff} is less than {@code initialBackoff}
     */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff must not be less than initialBackoff: "
            + maxBackoff + " < " + initialBackoff);
      }
      return new RetryPolicy(this);
    }

    static Duration positive(String what, Duration value) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + value);
      }
      return value;
    }
  }
}
