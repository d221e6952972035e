package dev.baton.locks.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks of the lock contract, shared so every backend rejects the same input the
 * same way. {@link AbstractLockProvider} applies them already; a backend that does not extend it
 * calls them itself.
 *
 * <p>Stateless and thread-safe.
 */
public final class LockArguments {
  /** The longest lock name, in characters. */
  public static final int MAX_NAME_LENGTH = 1024;

  private LockArguments() {}

  /**
   * Returns {@code name} if it is a valid lock name, else throws naming it.
   *
   * @param name the lock name to check
   * @return {@code name}, unchanged
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank or longer than
   *     {@link #MAX_NAME_LENGTH} characters
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank: \"" + name + "\"");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name must be at most " + MAX_NAME_LENGTH + " characters, was " + name.length()
              + ": \"" + name.substring(0, 32) + "...\"");
    }
    return name;
  }

  /**
   * Returns {@code leaseTime} if it is positive, else throws naming it.
   *
   * @param leaseTime the lease time to check
   * @return {@code leaseTime}, unchanged
   * @throws NullPointerException if {@code leaseTime} is null
   * @throws IllegalArgumentException if {@code leaseTime} is zero or negative
   */
  public static Duration checkLeaseTime(Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "leaseTime must not be null");
    if (leaseTime.isNegative() || leaseTime.isZero()) {
      throw new IllegalArgumentException("leaseTime must be positive: " + leaseTime);
    }
    return leaseTime;
  }

  /**
   * Returns {@code maxWait} if it is zero or positive, else throws naming it.
   *
   * @param maxWait the maximum wait to check
   * @return {@code maxWait}, unchanged
   * @throws NullPointerException if {@code maxWait} is null
   * @throws IllegalArgumentException if {@code maxWait} is negative
   */
  public static Duration checkMaxWait(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait must not be null");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    return maxWait;
  }

  /**
   * Returns {@code timeout} if it is positive and fits an {@code int} of milliseconds (what
   * client libraries take), else throws naming it; {@code what} names the setting.
   *
   * @param what the name of the setting, used in the exception message
   * @param timeout the time-out to check
   * @return {@code timeout}, unchanged
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is not positive, or is
   *     {@link Integer#MAX_VALUE} milliseconds (about 24.8 days) or longer
   */
  public static Duration checkTimeout(String what, Duration timeout) {
    Objects.requireNonNull(timeout, what + " must not be null");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " must be positive and below 24 days: " + timeout);
    }
    return timeout;
  }

  /**
   * Nanos of a duration, saturated so that very long durations cannot overflow.
   *
   * @param duration the duration; not null
   * @return its length in nanoseconds, or {@link Long#MAX_VALUE} if that does not fit a
   *     {@code long} (about 292 years)
   */
  public static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * {@code now + duration} on the nanoTime scale, saturated.
   *
   * @param now a reading of {@link System#nanoTime()} or a {@link dev.baton.locks.Ticker}
   * @param duration how long after {@code now}; zero or positive
   * @return {@code now} plus {@code duration} in nanoseconds, or {@link Long#MAX_VALUE} if the
   *     sum overflows
   */
  public static long deadlineAfter(long now, Duration duration) {
    long nanos = nanos(duration);
    long deadline = now + nanos;
    return (nanos > 0 && deadline < now) ? Long.MAX_VALUE : deadline;
  }
}
