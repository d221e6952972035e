package dev.baton.locks.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Store clients often turn an interrupt into an I/O failure (a connection being opened, a socket
 * read). A waiting caller must still see {@link InterruptedException}, and a real outage must
 * stay an outage. The failing store is injected: the behaviour under test is the SPI's.
 */
@Timeout(30)
class InterruptedStoreCallTest {
  private static final Duration LEASE = Duration.ofSeconds(5);

  /** Fails every call as an outage; optionally sets the interrupt flag first, as a client would. */
  private static final class FailingStore extends AbstractLockProvider {
    volatile boolean interruptInAttempt;
    volatile boolean interruptInAwait;

    FailingStore() {
      super("failing", Ticker.system(), List.of());
    }

    @Override
    protected Optional<? extends AbstractLease> doTryAcquire(String name, Duration leaseTime, long start) {
      if (interruptInAttempt) {
        Thread.currentThread().interrupt();
        throw new LockUnavailableException("interrupted while opening a connection");
      }
      return Optional.empty();
    }

    @Override
    protected Optional<? extends AbstractLease> doAwait(String name, Duration leaseTime, long deadline) {
      if (interruptInAwait) {
        Thread.currentThread().interrupt();
      }
      throw new LockUnavailableException("store down while waiting for " + name);
    }
  }

  private final FailingStore store = new FailingStore();

  @AfterEach
  void clearFlag() {
    Thread.interrupted();
    store.close();
  }

  @Test
  void anInterruptReportedAsAnOutageInTheFirstAttemptIsAnInterrupt() {
    store.interruptInAttempt = true;
    InterruptedException e = assertThrows(InterruptedException.class,
        () -> store.tryAcquire("job", LEASE, Duration.ofSeconds(1)));
    assertInstanceOf(LockUnavailableException.class, e.getSuppressed()[0]);
    assertFalse(Thread.currentThread().isInterrupted(), "the flag is consumed by the exception");
  }

  @Test
  void anInterruptReportedAsAnOutageWhileWaitingIsAnInterrupt() {
    store.interruptInAwait = true;
    assertThrows(InterruptedException.class, () -> store.acquire("job", LEASE));
  }

  @Test
  void anOutageWithoutAnInterruptStaysAnOutage() {
    LockUnavailableException e = assertThrows(LockUnavailableException.class,
        () -> store.tryAcquire("job", LEASE, Duration.ofSeconds(1)));
    assertEquals("store down while waiting for job", e.getMessage());
  }

  @Test
  void aCallThatDoesNotWaitKeepsTheOutageAndTheFlag() {
    store.interruptInAttempt = true;
    assertThrows(LockUnavailableException.class, () -> store.tryAcquire("job", LEASE));
    assertTrue(Thread.interrupted(), "the flag is left for the caller");
  }
}
