package dev.baton.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The checks every server builder makes the same way. */
final class Builders {

  private Builders() {}

  /** Appends {@code args} to {@code into}, in order; a null one is a NullPointerException. */
  static void addArgs(List<String> into, String... args) {
    for (String arg : args) {
      into.add(Objects.requireNonNull(arg, "arg"));
    }
  }

  /** {@code timeout} if it is positive, else an IllegalArgumentException naming it. */
  static Duration startupTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive, got " + timeout);
    }
    return timeout;
  }
}
