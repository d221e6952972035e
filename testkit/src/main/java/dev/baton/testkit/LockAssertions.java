package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.LockProvider;
import dev.baton.locks.LockUnavailableException;
import java.time.Duration;
import java.util.UUID;

/**
 * Assertions for a backend's failure tests, beside {@link LockProviderContract}. Stateless and
 * thread-safe.
 */
public final class LockAssertions {
  private static final Duration LEASE = Duration.ofSeconds(60);

  private LockAssertions() {}

  /**
   * Asserts that, with the store down, both a single attempt and a waiting acquisition (asked
   * to wait 30 s) throw {@link LockUnavailableException} within {@code bound}, with a message
   * containing {@code messagePart} (e.g. {@code "Redis unreachable"}): outages are reported as
   * such, promptly, never as a hang.
   *
   * @param locks a provider whose store is down (stopped, paused or unreachable)
   * @param bound how long each attempt may take to throw
   * @param messagePart text the exception's message must contain
   * @throws AssertionError if an attempt returns, throws something else,
   *     takes {@code bound} or longer, or its message lacks {@code messagePart}
   */
  public static void assertUnavailableWithin(LockProvider locks, Duration bound, String messagePart) {
    for (boolean waiting : new boolean[] {false, true}) {
      String name = "down-" + UUID.randomUUID();
      long begin = System.nanoTime();
      LockUnavailableException e = assertThrows(LockUnavailableException.class, () -> {
        if (waiting) {
          locks.tryAcquire(name, LEASE, Duration.ofSeconds(30));
        } else {
          locks.tryAcquire(name, LEASE);
        }
      }, (waiting ? "a waiting" : "a single") + " acquisition with the store down");
      long millis = (System.nanoTime() - begin) / 1_000_000;
      assertTrue(millis < bound.toMillis(), "took " + millis + " ms to report " + e);
      assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
  }
}
