package dev.baton.locks.jdbc;

import dev.baton.locks.spi.Renewal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One locking strategy behind {@link JdbcLockProvider}. Implementations are thread-safe. */
interface Backend {
  /** One attempt; {@code tickerStart} is the provider's ticker reading before the request. */
  Optional<Grant> tryGrant(String name, Duration leaseTime, long tickerStart);

  /** Waits until {@code deadline} (nanoTime scale, {@link Long#MAX_VALUE} for ever). */
  Optional<Grant> await(String name, Duration leaseTime, long deadline) throws InterruptedException;

  /** How many kept-alive renewals {@link #renewAll} takes at once; 1 for a store call each. */
  default int renewalBatchSize() {
    return 1;
  }

  /**
   * Renews kept-alive grants of this backend together, marking each renewal as
   * {@link dev.baton.locks.spi.AbstractLockProvider#renewAll} asks. By default one by one.
   */
  default void renewAll(List<Renewal> renewals) {
    for (Renewal renewal : renewals) {
      try {
        if (JdbcLockProvider.grantOf(renewal).renew(renewal.leaseTime())) {
          renewal.renewed();
        } else {
          renewal.notHeld();
        }
      } catch (RuntimeException e) {
        renewal.failed(e);
      }
    }
  }

  /** The provider is closing: waiters must stop waiting. */
  void wake();

  /** Frees connections, after every lease was released. */
  void close();

  /** Nanoseconds left until {@code deadline}, without overflow for "for ever". */
  static long left(long deadline) {
    return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
  }
}
