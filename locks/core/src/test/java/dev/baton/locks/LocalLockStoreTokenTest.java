package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tokens of the in-JVM store are seeded from the wall clock, so a restarted JVM never reissues one. */
@Timeout(30)
class LocalLockStoreTokenTest {
  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final Instant T = Instant.parse("2026-12-02T10:15:30.123456789Z");
  private static final long T_MICROS = TimeUnit.SECONDS.toMicros(T.getEpochSecond()) + 123_456;

  /** A wall clock that moves only when told to, forwards or backwards. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private static long grant(LocalLockStore store, String name) {
    try (LocalLockProvider locks = LocalLockProvider.builder().store(store).build()) {
      Lease lease = locks.tryAcquire(name, LEASE).orElseThrow();
      long token = lease.fencingToken();
      assertTrue(lease.release());
      return token;
    }
  }

  @Test
  void theFirstTokenIsTheWallClockInMicroseconds() {
    LocalLockStore store = LocalLockStore.create(new ManualTicker(), new SettableClock(T));
    assertEquals(T_MICROS, grant(store, "job"));
  }

  @Test
  void aStandingClockStillGivesIncreasingTokens() {
    LocalLockStore store = LocalLockStore.create(new ManualTicker(), new SettableClock(T));
    assertEquals(T_MICROS, grant(store, "job"));
    assertEquals(T_MICROS + 1, grant(store, "job"));
    assertEquals(T_MICROS + 2, grant(store, "other"), "one counter for the whole store");
    assertEquals(T_MICROS + 3, grant(store, "job"));
  }

  @Test
  void aClockSteppedBackDoesNotMakeTokensRegress() {
    SettableClock clock = new SettableClock(T);
    LocalLockStore store = LocalLockStore.create(new ManualTicker(), clock);
    long first = grant(store, "job");
    clock.set(T.minus(Duration.ofHours(1)));
    assertEquals(first + 1, grant(store, "job"));
    clock.set(T.plusSeconds(1));
    assertEquals(T_MICROS + 1_000_000, grant(store, "job"), "the clock takes over again");
  }

  @Test
  void aStoreCreatedLaterIssuesGreaterTokensThanAnEarlierOne() {
    // Stands for a JVM restarted a second later: its new store knows nothing of the old one.
    SettableClock clock = new SettableClock(T);
    LocalLockStore before = LocalLockStore.create(new ManualTicker(), clock);
    long last = 0;
    for (int i = 0; i < 1_000; i++) {
      last = grant(before, "job");
    }
    clock.set(T.plusSeconds(1));
    LocalLockStore after = LocalLockStore.create(new ManualTicker(), clock);
    long next = grant(after, "job");
    assertTrue(next > last, next + " must be > " + last);
  }

  @Test
  void onTheSystemClockANewStoreBeatsAnEarlierStoresTokens() throws InterruptedException {
    LocalLockStore before = LocalLockStore.create();
    long last = 0;
    for (int i = 0; i < 100; i++) {
      last = grant(before, "job");
    }
    // 100 grants move the counter at most 100 µs ahead of the clock; wait well past that.
    Thread.sleep(5);
    long next = grant(LocalLockStore.create(), "job");
    assertTrue(next > last, next + " must be > " + last);
    assertTrue(next > 0);
  }
}
