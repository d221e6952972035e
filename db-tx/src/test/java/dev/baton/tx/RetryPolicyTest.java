package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Classification by the whole cause chain, and the backoff's bounds. */
class RetryPolicyTest {
  private final RetryPolicy policy = RetryPolicy.defaults();
  private final RetryPolicy withLockTimeouts =
      RetryPolicy.builder().retryLockTimeouts(true).build();

  @Test
  void serializationFailuresAndDeadlocksAreRetriedWhereverTheyAreInTheChain() {
    assertTrue(policy.isRetryable(new SQLException("serialization", "40001")));
    assertTrue(policy.isRetryable(new SQLException("pg deadlock", "40P01")));
    assertTrue(policy.isRetryable(new SQLException("mysql deadlock", "HY000", 1213)));
    SQLException deep = new SQLException("deadlock", "40P01");
    assertTrue(policy.isRetryable(new IllegalStateException("service",
        new UncheckedIOException(new IOException("repository", deep)))));
    SQLException batch = new SQLException("batch entry 3 failed", "22000");
    batch.setNextException(new SQLException("serialization", "40001"));
    assertTrue(policy.isRetryable(new TransactionException("commit failed", batch)));
  }

  @Test
  void otherFailuresAreNotRetried() {
    assertFalse(policy.isRetryable(new SQLException("duplicate key", "23505")));
    assertFalse(policy.isRetryable(new SQLException("connection reset", "08006")));
    assertFalse(policy.isRetryable(new IllegalStateException("business rule")));
    assertFalse(policy.isRetryable(new SQLException("pg lock timeout", "55P03")));
    assertFalse(policy.isRetryable(new SQLException("mysql lock wait", "HY000", 1205)));
  }

  @Test
  void lockTimeoutsAreRetriedOnlyWhenAsked() {
    assertTrue(withLockTimeouts.isRetryable(new SQLException("pg lock timeout", "55P03")));
    assertTrue(withLockTimeouts.isRetryable(new SQLException("mysql lock wait", "HY000", 1205)));
    assertTrue(withLockTimeouts.isRetryable(new SQLException("h2 lock timeout", "HYT00", 50200)));
  }

  @Test
  void aCyclicCauseChainEnds() {
    Exception a = new Exception("a");
    Exception b = new Exception("b", a);
    a.initCause(b);
    assertFalse(policy.isRetryable(a));
  }

  @Test
  void backoffIsJitteredBetweenHalfAndAllOfTheCappedExponential() {
    RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(100)).build();
    for (int i = 0; i < 1_000; i++) {
      assertBetween(5, 10, p.backoffAfter(1));
      assertBetween(20, 40, p.backoffAfter(3));
      assertBetween(50, 100, p.backoffAfter(5));
      assertBetween(50, 100, p.backoffAfter(200));
    }
  }

  private static void assertBetween(long lowMillis, long highMillis, Duration actual) {
    assertTrue(actual.toNanos() >= lowMillis * 1_000_000 && actual.toNanos() <= highMillis * 1_000_000,
        actual + " not in [" + lowMillis + ", " + highMillis + "] ms");
  }

  @Test
  void theBuilderFailsFast() {
    assertEquals("deadline must be positive: PT0S", assertThrows(IllegalArgumentException.class,
        () -> RetryPolicy.builder().deadline(Duration.ZERO)).getMessage());
    assertEquals("maxBackoff must not be less than initialBackoff: PT0.001S < PT0.01S",
        assertThrows(IllegalArgumentException.class,
            () -> RetryPolicy.builder().maxBackoff(Duration.ofMillis(1)).build()).getMessage());
  }
}
