package dev.baton.locks.jdbc;

import java.time.Duration;
import java.util.Optional;

/** One locking strategy behind {@link JdbcLockProvider}. Implementations are thread-safe. */
interface Backend {
  /** One attempt; {@code tickerStart} is the provider's ticker reading before the request. */
  Optional<Grant> tryGrant(String name, Duration leaseTime, long tickerStart);

  /** Waits until {@code deadline} (nanoTime scale, {@link Long#MAX_VALUE} for ever). */
  Optional<Grant> await(String name, Duration leaseTime, long deadline) throws InterruptedException;

  /** The provider is closing: waiters must stop waiting. */
  void wake();

  /** Frees connections, after every lease was released. */
  void close();

  /** Nanoseconds left until {@code deadline}, without overflow for "for ever". */
  static long left(long deadline) {
    return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
  }
}
