package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.LockEvent.Type;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the contract cannot see from outside: time on an injected ticker, and the events. */
@Timeout(30)
class LocalLockProviderTest {
  private final ManualTicker ticker = new ManualTicker();
  private final LocalLockStore store = LocalLockStore.create(ticker);
  private final List<LockEvent> events = new CopyOnWriteArrayList<>();
  private final LocalLockProvider locks =
      LocalLockProvider.builder().store(store).listener(events::add).build();
  private final LocalLockProvider other = LocalLockProvider.builder().store(store).build();

  @AfterEach
  void close() {
    locks.close();
    other.close();
  }

  @Test
  void leaseTimeRunsOnTheStoresTicker() {
    Lease lease = locks.tryAcquire("job", Duration.ofSeconds(10)).orElseThrow();
    ticker.advance(Duration.ofSeconds(9));
    assertTrue(lease.isValid());
    assertTrue(other.tryAcquire("job", Duration.ofSeconds(10)).isEmpty());
    ticker.advance(Duration.ofMillis(999));
    assertFalse(lease.isValid(), "the local view ends before the store lets go (safety margin)");
    assertTrue(other.tryAcquire("job", Duration.ofSeconds(10)).isEmpty(), "the store still holds it");
    ticker.advance(Duration.ofMillis(1));
    Lease next = other.tryAcquire("job", Duration.ofSeconds(10)).orElseThrow();
    assertTrue(next.fencingToken() > lease.fencingToken());
  }

  @Test
  void remainingShrinksWithTheTickerAndKeepsAMargin() {
    Lease lease = locks.tryAcquire("job", Duration.ofSeconds(10)).orElseThrow();
    // margin: 1% + 2 ms of 10 s = 102 ms
    assertEquals(Duration.ofMillis(9_898), lease.remaining());
    ticker.advance(Duration.ofSeconds(4));
    assertEquals(Duration.ofMillis(5_898), lease.remaining());
    assertTrue(lease.extend(Duration.ofSeconds(10)));
    assertEquals(Duration.ofMillis(9_898), lease.remaining());
    ticker.advance(Duration.ofSeconds(20));
    assertEquals(Duration.ZERO, lease.remaining());
  }

  @Test
  void extendFailsOnceTheStoreLetTheNameGo() {
    Lease lease = locks.tryAcquire("job", Duration.ofSeconds(1)).orElseThrow();
    ticker.advance(Duration.ofSeconds(2));
    assertFalse(lease.extend(Duration.ofSeconds(1)));
    assertFalse(lease.isValid());
  }

  @Test
  void reportsEveryKindOfEvent() throws Exception {
    Lease lease = locks.tryAcquire("a", Duration.ofSeconds(30)).orElseThrow();
    assertTrue(locks.tryAcquire("a", Duration.ofSeconds(30)).isEmpty());
    assertTrue(locks.tryAcquire("a", Duration.ofSeconds(30), Duration.ofMillis(20)).isEmpty());
    lease.release();
    CountDownLatch lost = new CountDownLatch(1);
    Lease shortLived = locks.tryAcquire("b", Duration.ofMillis(100)).orElseThrow();
    shortLived.onLost(lost::countDown);
    ticker.advance(Duration.ofSeconds(1));
    assertTrue(lost.await(10, TimeUnit.SECONDS), "expiry on the ticker is noticed");

    List<Type> types = events.stream().map(LockEvent::type).toList();
    assertEquals(List.of(Type.ACQUIRED, Type.WAITED, Type.DENIED, Type.RELEASED, Type.ACQUIRED,
        Type.LOST), types);
    LockEvent waited = events.get(1);
    assertTrue(waited.waited().toMillis() >= 19, "waited " + waited.waited());
    assertEquals("a", waited.name());
    assertEquals("local", waited.store());
    assertEquals(lease.fencingToken(), events.get(0).fencingToken());
    assertEquals(shortLived.fencingToken(), events.get(5).fencingToken());
  }

  @Test
  void aFailingListenerDoesNotBreakTheLock() {
    try (LocalLockProvider noisy = LocalLockProvider.builder().store(store)
        .listener(e -> {
          throw new IllegalStateException("listener bug");
        }).build()) {
      Lease lease = noisy.tryAcquire("x", Duration.ofSeconds(5)).orElseThrow();
      assertTrue(lease.release());
    }
  }

  @Test
  void namesAreFreedFromMemoryWhenIdle() {
    for (int i = 0; i < 1000; i++) {
      locks.tryAcquire("n" + i, Duration.ofSeconds(5)).orElseThrow().release();
    }
    Lease held = locks.tryAcquire("held", Duration.ofSeconds(5)).orElseThrow();
    assertEquals(1, store.activeNames());
    held.release();
    assertEquals(0, store.activeNames());
  }

  @Test
  void builderRejectsBadValues() {
    assertThrows(NullPointerException.class, () -> LocalLockProvider.builder().store(null));
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
        () -> LocalLockProvider.builder().storeName(" "));
    assertTrue(blank.getMessage().contains("\" \""), blank.getMessage());
  }

  @Test
  void theJvmStoreIsSharedByDefault() {
    try (LocalLockProvider a = LocalLockProvider.create(); LocalLockProvider b = LocalLockProvider.create()) {
      String name = "shared-" + System.nanoTime();
      Lease lease = a.tryAcquire(name, Duration.ofSeconds(5)).orElseThrow();
      assertTrue(b.tryAcquire(name, Duration.ofSeconds(5)).isEmpty());
      lease.release();
    }
  }
}
