package dev.baton.locks;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by every provider, so each backend rejects the same input the same way. */
final class Arguments {
  static final int MAX_NAME_LENGTH = 1024;

  private Arguments() {}

  static String checkName(String name) {
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

  static Duration checkLeaseTime(Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "leaseTime must not be null");
    if (leaseTime.isNegative() || leaseTime.isZero()) {
      throw new IllegalArgumentException("leaseTime must be positive: " + leaseTime);
    }
    return leaseTime;
  }

  static Duration checkMaxWait(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait must not be null");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    return maxWait;
  }

  /** Nanos of a duration, saturated so that very long durations cannot overflow. */
  static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** {@code now + duration} on the nanoTime scale, saturated. */
  static long deadlineAfter(long now, Duration duration) {
    long nanos = nanos(duration);
    long deadline = now + nanos;
    return (nanos > 0 && deadline < now) ? Long.MAX_VALUE : deadline;
  }
}
