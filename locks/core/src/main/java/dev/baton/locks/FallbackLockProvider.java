package dev.baton.locks;

import dev.baton.locks.FallbackLedger.Route;
import dev.baton.locks.spi.LockArguments;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary provider, and a fallback used only while the primary is down: when the primary has
 * failed with {@link LockUnavailableException} for longer than {@link Builder#switchAfter}
 * (every acquisition and probe in that time failed), this provider logs and counts the switch
 * and serves from the fallback; a background probe tries the primary every probe interval and
 * switches back as soon as it answers. {@link Lease#store()} tells which store granted a lease.
 *
 * <p><b>In this provider</b> one name has at most one valid lease, whichever store granted it:
 * a lease taken from the primary before a switch keeps the name from the fallback until it is
 * released or lost, and the other way round. The fencing tokens this provider hands out for a
 * name strictly increase in the order of the grants, across switches in both directions: after
 * each change of store the new store's tokens are offset above every token handed out before.
 * Until its first switch the provider hands out the primary's own tokens.
 *
 * <p><b>Across instances</b> (other JVMs, or other providers in this JVM) it excludes only what
 * the store in use excludes. A fallback to a {@link LocalLockProvider} excludes nothing across
 * instances; a fallback to a second shared store (e.g. a JDBC provider on a database) excludes
 * among the instances that are on the fallback, but not against an instance still on the
 * primary, nor against leases the primary granted before the switch. Offsets are each
 * instance's own, so tokens of different instances are not ordered once either has switched.
 * Declared with {@link Builder#sharedFallback}, a shared fallback excludes across instances
 * through the switches too (for outages every instance sees), and orders their tokens by time.
 * Use it where running a job twice during an outage is better than not running it; see the
 * module README for what a fenced resource can rely on.
 *
 * <pre>{@code
 * LockProvider locks = FallbackLockProvider.builder(RedisLockProvider.create(uri), LocalLockProvider.create())
 *     .switchAfter(Duration.ofSeconds(5))
 *     .probeInterval(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. Closing it closes both providers.
 */
public final class FallbackLockProvider implements LockProvider {
  private static final Logger log = LoggerFactory.getLogger(FallbackLockProvider.class);
  /** How long a caller sleeps at a time while a shared fallback's quarantine lasts. */
  private static final long QUARANTINE_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final LockProvider primary;
  private final LockProvider fallback;
  private final FallbackLedger ledger;
  /** The rules for a fallback every instance shares; null without one. */
  private final Handover handover;
  /** When to switch, and the switching itself. */
  private final FallbackSwitch switcher;
  private final ScheduledExecutorService prober;
  private volatile boolean closed;

  private FallbackLockProvider(Builder builder) {
    this.primary = builder.primary;
    this.fallback = builder.fallback;
    if (builder.maxLeaseTime == null) {
      this.handover = null;
      this.ledger = new FallbackLedger();
    } else {
      this.handover = new Handover(builder.ticker, builder.maxLeaseTime, builder.probeInterval);
      this.ledger = new FallbackLedger(
          LockArguments.nanos(builder.maxLeaseTime), () -> LocalLockStore.micros(Instant.now()));
    }
    this.switcher = new FallbackSwitch(primary, ledger, handover,
        new PrimaryOutage(builder.ticker, LockArguments.nanos(builder.switchAfter)),
        builder.switchAfter, List.copyOf(builder.listeners));
    this.prober = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "baton-fallback-probe");
      thread.setDaemon(true);
      return thread;
    });
    long interval = LockArguments.nanos(builder.probeInterval);
    prober.scheduleWithFixedDelay(switcher::probe, interval, interval, TimeUnit.NANOSECONDS);
  }

  /**
   * A builder for a provider that falls back from {@code primary} to {@code fallback}.
   *
   * @param primary the store used while it answers
   * @param fallback the store used during a sustained outage of the primary
   * @return a builder with the default settings
   */
  public static Builder builder(LockProvider primary, LockProvider fallback) {
    return new Builder(primary, fallback);
  }

  @Override
  public Optional<Lease> tryAcquire(String name, Duration leaseTime) {
    checkNameAndLease(name, leaseTime);
    try {
      return obtain(name, leaseTime, System.nanoTime(), false);
    } catch (InterruptedException e) {
      // Unreachable: without waiting, neither the ledger nor the store call waits.
      Thread.currentThread().interrupt();
      throw new LockUnavailableException("interrupted while acquiring " + name, e);
    }
  }

  @Override
  public Optional<Lease> tryAcquire(String name, Duration leaseTime, Duration maxWait)
      throws InterruptedException {
    checkNameAndLease(name, leaseTime);
    LockArguments.checkMaxWait(maxWait);
    return obtain(name, leaseTime, LockArguments.deadlineAfter(System.nanoTime(), maxWait), true);
  }

  @Override
  public Lease acquire(String name, Duration leaseTime) throws InterruptedException {
    checkNameAndLease(name, leaseTime);
    return obtain(name, leaseTime, Long.MAX_VALUE, true).orElseThrow();
  }

  /**
   * Grants {@code name} from the store in use, once no lease of this provider holds it.
   *
   * @param deadline on the {@link System#nanoTime()} scale; {@link Long#MAX_VALUE} waits forever;
   *     without {@code waiting}, the time of the call (so a local holder is not waited for)
   * @param waiting whether to wait at the store until the deadline
   */
  private Optional<Lease> obtain(String name, Duration leaseTime, long deadline, boolean waiting)
      throws InterruptedException {
    while (true) {
      ensureOpen();
      if (!ledger.awaitFree(name, deadline)) {
        return Optional.empty();
      }
      long epoch = handover == null ? 0 : handover.epoch();
      Route route = switcher.isOnFallback() ? Route.FALLBACK : Route.PRIMARY;
      Optional<Lease> granted;
      if (route == Route.PRIMARY) {
        try {
          granted = ask(primary, name, leaseTime, deadline, waiting);
          switcher.answered();
        } catch (LockUnavailableException e) {
          if (!switcher.primaryFailed(name, e)) {
            throw e;
          }
          continue; // switched: ask the fallback
        }
        if (granted.isPresent() && handover != null && handover.guardingPrimaryGrants()) {
          granted = guard(granted.get(), leaseTime, deadline, waiting);
        }
      } else {
        if (handover != null && waitedOutQuarantine(name, deadline, waiting)) {
          continue; // the probe may have switched back meanwhile
        }
        granted = ask(fallback, name, leaseTime, deadline, waiting);
      }
      if (granted.isEmpty()) {
        return granted;
      }
      FallbackLease lease = register(granted.get(), route, epoch);
      if (lease != null) {
        return Optional.of(lease.watchLoss());
      }
      if (handover != null && handover.epoch() != epoch) {
        continue; // the grant came from the store just left: ask the one in use
      }
      if (!waiting || deadline - System.nanoTime() <= 0) {
        return Optional.empty();
      }
    }
  }

  /**
   * During a shared fallback's quarantine, waits a little (the caller re-chooses the store
   * after it), or refuses a caller that cannot wait until it ends.
   *
   * @return true if it waited, false if fallback grants may be handed out now
   * @throws LockUnavailableException if the caller's wait ends before the quarantine does
   */
  private boolean waitedOutQuarantine(String name, long deadline, boolean waiting)
      throws InterruptedException {
    long left = handover.quarantineLeftNanos();
    if (left == 0) {
      return false;
    }
    if (!waiting || (deadline != Long.MAX_VALUE && deadline - System.nanoTime() < left)) {
      throw new LockUnavailableException("the primary lock store is down and fallback grants"
          + " of " + name + " begin in " + TimeUnit.NANOSECONDS.toMillis(left) + " ms, once every"
          + " lease the primary granted has run out (sharedFallback maxLeaseTime "
          + Duration.ofNanos(handover.maxLeaseNanos()) + ")");
    }
    TimeUnit.NANOSECONDS.sleep(Math.min(left, QUARANTINE_STEP_NANOS));
    return true;
  }

  /**
   * Also takes the name in the fallback for a primary grant made in a shared fallback's guard
   * window, waiting there as the caller would; gives the primary grant back if the fallback
   * refuses or fails.
   */
  private Optional<Lease> guard(Lease granted, Duration leaseTime, long deadline, boolean waiting)
      throws InterruptedException {
    Optional<Lease> guard;
    try {
      guard = ask(fallback, granted.name(), leaseTime, deadline, waiting);
    } catch (RuntimeException | InterruptedException e) {
      giveBack(granted);
      throw e;
    }
    if (guard.isEmpty()) {
      giveBack(granted);
      return Optional.empty();
    }
    return Optional.of(new GuardedLease(granted, guard.get()));
  }

  private static Optional<Lease> ask(
      LockProvider store, String name, Duration leaseTime, long deadline, boolean waiting)
      throws InterruptedException {
    if (!waiting) {
      return store.tryAcquire(name, leaseTime);
    }
    if (deadline == Long.MAX_VALUE) {
      return Optional.of(store.acquire(name, leaseTime));
    }
    return store.tryAcquire(name, leaseTime, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  /**
   * Hands out a fresh grant, or gives it back if another lease of this provider took the name
   * through the other store while it was on its way.
   */
  private FallbackLease register(Lease granted, Route route, long epoch) {
    FallbackLease lease;
    try {
      lease = ledger.register(granted, route,
          () -> handover == null || handover.epoch() == epoch);
    } catch (RuntimeException e) {
      giveBack(granted);
      throw e;
    }
    if (lease == null) {
      log.debug("Lock {} was granted by {} while this provider held it through the other store"
          + " or had just switched; giving the grant (token {}) back",
          granted.name(), granted.store(), granted.fencingToken());
      giveBack(granted);
    }
    return lease;
  }

  private static void giveBack(Lease granted) {
    try {
      granted.release();
    } catch (RuntimeException e) {
      log.warn("Could not give back lock {} (token {}) to {}; it ends with its lease time",
          granted.name(), granted.fencingToken(), granted.store(), e);
    }
  }

  /**
   * Whether acquisitions currently go to the fallback.
   *
   * @return true while acquisitions go to the fallback
   */
  public boolean isOnFallback() {
    return switcher.isOnFallback();
  }

  /**
   * How many times this provider switched from the primary to the fallback.
   *
   * @return the number of switches to the fallback since the provider was built
   */
  public long switchesToFallback() {
    return switcher.switchesToFallback();
  }

  /**
   * How many times this provider switched back to the primary.
   *
   * @return the number of switches back to the primary since the provider was built
   */
  public long switchesToPrimary() {
    return switcher.switchesToPrimary();
  }

  /** Stops the probe, wakes this provider's waiters, and closes both providers. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    switcher.close();
    prober.shutdownNow();
    ledger.close();
    try {
      primary.close();
    } finally {
      fallback.close();
    }
  }

  /** The number of names this provider currently records as held (tests of the memory bound). */
  int heldNames() {
    return ledger.size();
  }

  /** The number of callers waiting for a name this provider holds (tests). */
  int localWaiters() {
    return ledger.waiters();
  }

  /** Runs the probe now (tests run it at a moment of their choosing). */
  void probe() {
    switcher.probe();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the fallback lock provider is closed");
    }
  }

  private void checkNameAndLease(String name, Duration leaseTime) {
    LockArguments.checkName(name);
    LockArguments.checkLeaseTime(leaseTime);
    ledger.checkLeaseTime(leaseTime);
  }

  /** Configures a {@link FallbackLockProvider}. Not thread-safe. */
  public static final class Builder {
    private final LockProvider primary;
    private final LockProvider fallback;
    private Duration probeInterval = Duration.ofSeconds(5);
    private Duration switchAfter = Duration.ofSeconds(5);
    private Ticker ticker = Ticker.system();
    private Duration maxLeaseTime;
    private final List<LockListener> listeners = new ArrayList<>();

    private Builder(LockProvider primary, LockProvider fallback) {
      this.primary = Objects.requireNonNull(primary, "primary");
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      if (primary == fallback) {
        throw new IllegalArgumentException("primary and fallback must be different providers");
      }
    }

    /**
     * How often to try the primary while on the fallback (and while it is failing); by default
     * 5 seconds.
     *
     * @param probeInterval positive
     * @return this builder
     * @throws IllegalArgumentException if {@code probeInterval} is not positive
     */
    public Builder probeInterval(Duration probeInterval) {
      Objects.requireNonNull(probeInterval, "probeInterval must not be null");
      if (probeInterval.isNegative() || probeInterval.isZero()) {
        throw new IllegalArgumentException("probeInterval must be positive: " + probeInterval);
      }
      this.probeInterval = probeInterval;
      return this;
    }

    /**
     * How long the primary must keep failing before acquisitions switch to the fallback; by
     * default 5 seconds. The time counts from the first {@link LockUnavailableException} after
     * the primary last answered; any answer (a grant or a refusal, to a caller or to the probe)
     * starts it again. Until then callers get the primary's {@link LockUnavailableException},
     * so one timed-out call never switches. {@link Duration#ZERO} switches at the first failure.
     *
     * @param switchAfter zero or positive
     * @return this builder
     * @throws IllegalArgumentException if {@code switchAfter} is negative
     */
    public Builder switchAfter(Duration switchAfter) {
      Objects.requireNonNull(switchAfter, "switchAfter must not be null");
      if (switchAfter.isNegative()) {
        throw new IllegalArgumentException("switchAfter must not be negative: " + switchAfter);
      }
      this.switchAfter = switchAfter;
      return this;
    }

    /**
     * Declares the fallback a store every instance shares (a database, for instance) and makes
     * the switches keep a name excluded across the instances, in both directions; off by
     * default. {@code maxLeaseTime} is the longest lease any instance takes or extends to, and
     * this provider refuses longer ones ({@code IllegalArgumentException}). With it:
     *
     * <ul>
     *   <li>after a switch to the fallback, fallback grants wait until {@code maxLeaseTime} has
     *       passed, so every lease the primary granted before the outage has run out (callers
     *       that cannot wait that long get {@link LockUnavailableException});
     *   <li>after a switch back, for {@code maxLeaseTime} plus two probe intervals, every primary
     *       grant also holds its name in the fallback (waiting there as the caller would), and
     *       the leases the fallback granted end: they are reported lost and given back;
     *   <li>a fallback grant's token is at least the wall clock in microseconds, so tokens of
     *       different instances are ordered by the time of their grants when the primary's are
     *       clock-seeded too (Redis, the in-JVM store) and the hosts' clocks agree to better than
     *       the time between two grants of a name.
     * </ul>
     *
     * <p>It assumes an outage every instance sees (a store down, frozen or restarted); an
     * instance that still reaches the primary while another does not is not excluded from it.
     *
     * @param maxLeaseTime positive: the longest lease time of any instance's acquisitions
     * @return this builder
     * @throws IllegalArgumentException if {@code maxLeaseTime} is not positive
     */
    public Builder sharedFallback(Duration maxLeaseTime) {
      Objects.requireNonNull(maxLeaseTime, "maxLeaseTime must not be null");
      if (maxLeaseTime.isNegative() || maxLeaseTime.isZero()) {
        throw new IllegalArgumentException("maxLeaseTime must be positive: " + maxLeaseTime);
      }
      this.maxLeaseTime = maxLeaseTime;
      return this;
    }

    /**
     * The clock that times an outage against {@link #switchAfter}; by default
     * {@link Ticker#system()}.
     *
     * @param ticker the clock
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Adds a listener told of every switch to the fallback (a STORE_DOWN event).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(LockListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the provider and starts its probe.
     *
     * @return the provider
     */
    public FallbackLockProvider build() {
      return new FallbackLockProvider(this);
    }
  }
}
