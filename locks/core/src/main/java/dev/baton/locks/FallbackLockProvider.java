package dev.baton.locks;

import dev.baton.locks.spi.LockArguments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary provider, and a fallback used only while the primary cannot be reached: when the
 * primary throws {@link LockUnavailableException}, this provider logs and counts the switch and
 * serves from the fallback; a background probe tries the primary every probe interval and
 * switches back as soon as it answers. {@link Lease#store()} tells which store granted a lease.
 *
 * <p><b>What it trades.</b> While on the fallback, names are excluded only among the callers of
 * the fallback store (for a {@link LocalLockProvider}, this JVM): instances that cannot reach
 * the primary no longer exclude each other, and fallback tokens are not ordered against the
 * primary's. Leases granted before a switch stay with the store that granted them. Use it
 * where running a job twice during an outage is better than not running it; do not use it where
 * two holders would corrupt data.
 *
 * <pre>{@code
 * LockProvider locks = FallbackLockProvider.builder(RedisLockProvider.create(uri), LocalLockProvider.create())
 *     .probeInterval(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. Closing it closes both providers.
 */
public final class FallbackLockProvider implements LockProvider {
  private static final Logger log = LoggerFactory.getLogger(FallbackLockProvider.class);
  /** The name the probe acquires (and releases at once) to see whether the primary answers. */
  static final String PROBE_NAME = "baton.fallback-probe";

  private final LockProvider primary;
  private final LockProvider fallback;
  private final List<LockListener> listeners;
  private final AtomicBoolean onFallback = new AtomicBoolean();
  private final AtomicLong switchesToFallback = new AtomicLong();
  private final AtomicLong switchesToPrimary = new AtomicLong();
  private final ScheduledExecutorService prober;

  private FallbackLockProvider(Builder builder) {
    this.primary = builder.primary;
    this.fallback = builder.fallback;
    this.listeners = List.copyOf(builder.listeners);
    this.prober = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "baton-fallback-probe");
      thread.setDaemon(true);
      return thread;
    });
    long interval = LockArguments.nanos(builder.probeInterval);
    prober.scheduleWithFixedDelay(this::probe, interval, interval, TimeUnit.NANOSECONDS);
  }

  /** A builder for a provider that falls back from {@code primary} to {@code fallback}. */
  public static Builder builder(LockProvider primary, LockProvider fallback) {
    return new Builder(primary, fallback);
  }

  @Override
  public Optional<Lease> tryAcquire(String name, Duration leaseTime) {
    checkNameAndLease(name, leaseTime);
    if (!onFallback.get()) {
      try {
        return primary.tryAcquire(name, leaseTime);
      } catch (LockUnavailableException e) {
        switchToFallback(name, e);
      }
    }
    return fallback.tryAcquire(name, leaseTime);
  }

  @Override
  public Optional<Lease> tryAcquire(String name, Duration leaseTime, Duration maxWait)
      throws InterruptedException {
    checkNameAndLease(name, leaseTime);
    LockArguments.checkMaxWait(maxWait);
    long deadline = LockArguments.deadlineAfter(System.nanoTime(), maxWait);
    if (!onFallback.get()) {
      try {
        return primary.tryAcquire(name, leaseTime, maxWait);
      } catch (LockUnavailableException e) {
        switchToFallback(name, e);
      }
    }
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    return fallback.tryAcquire(name, leaseTime, left);
  }

  @Override
  public Lease acquire(String name, Duration leaseTime) throws InterruptedException {
    checkNameAndLease(name, leaseTime);
    if (!onFallback.get()) {
      try {
        return primary.acquire(name, leaseTime);
      } catch (LockUnavailableException e) {
        switchToFallback(name, e);
      }
    }
    return fallback.acquire(name, leaseTime);
  }

  /** True while acquisitions go to the fallback. */
  public boolean isOnFallback() {
    return onFallback.get();
  }

  /** How many times this provider switched from the primary to the fallback. */
  public long switchesToFallback() {
    return switchesToFallback.get();
  }

  /** How many times this provider switched back to the primary. */
  public long switchesToPrimary() {
    return switchesToPrimary.get();
  }

  /** Stops the probe and closes both providers, releasing what they hold. */
  @Override
  public void close() {
    prober.shutdownNow();
    try {
      primary.close();
    } finally {
      fallback.close();
    }
  }

  private void switchToFallback(String name, LockUnavailableException cause) {
    if (onFallback.compareAndSet(false, true)) {
      long count = switchesToFallback.incrementAndGet();
      log.warn("Primary lock store unreachable while acquiring {}; using the fallback until it "
          + "answers again (switch #{}): {}", name, count, cause.getMessage());
      fire(name, cause);
    }
  }

  private void probe() {
    if (!onFallback.get()) {
      return;
    }
    try {
      primary.tryAcquire(PROBE_NAME, Duration.ofSeconds(5)).ifPresent(Lease::release);
    } catch (LockUnavailableException stillDown) {
      log.debug("Primary lock store still unreachable: {}", stillDown.getMessage());
      return;
    } catch (RuntimeException e) {
      log.warn("Probing the primary lock store failed", e);
      return;
    }
    if (onFallback.compareAndSet(true, false)) {
      long count = switchesToPrimary.incrementAndGet();
      log.info("Primary lock store answers again; acquisitions go to it (switch back #{})", count);
    }
  }

  private void fire(String name, Throwable cause) {
    LockEvent event =
        new LockEvent(LockEvent.Type.STORE_DOWN, name, "primary", 0, Duration.ZERO, cause);
    for (LockListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("Lock listener {} failed on {}", listener, event, e);
      }
    }
  }

  private static void checkNameAndLease(String name, Duration leaseTime) {
    LockArguments.checkName(name);
    LockArguments.checkLeaseTime(leaseTime);
  }

  /** Configures a {@link FallbackLockProvider}. Not thread-safe. */
  public static final class Builder {
    private final LockProvider primary;
    private final LockProvider fallback;
    private Duration probeInterval = Duration.ofSeconds(5);
    private final List<LockListener> listeners = new ArrayList<>();

    private Builder(LockProvider primary, LockProvider fallback) {
      this.primary = Objects.requireNonNull(primary, "primary");
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      if (primary == fallback) {
        throw new IllegalArgumentException("primary and fallback must be different providers");
      }
    }

    /** How often to try the primary while on the fallback; by default 5 seconds. */
    public Builder probeInterval(Duration probeInterval) {
      Objects.requireNonNull(probeInterval, "probeInterval must not be null");
      if (probeInterval.isNegative() || probeInterval.isZero()) {
        throw new IllegalArgumentException("probeInterval must be positive: " + probeInterval);
      }
      this.probeInterval = probeInterval;
      return this;
    }

    /** Adds a listener told of every switch to the fallback (a STORE_DOWN event). */
    public Builder listener(LockListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public FallbackLockProvider build() {
      return new FallbackLockProvider(this);
    }
  }
}
