package dev.baton.cache;

import dev.baton.locks.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** One manual time for a cache's ticker and clock: tests move it instead of sleeping. */
final class FakeTime extends Clock implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochSecond(0, nanos.get());
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
