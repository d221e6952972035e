package dev.baton.locks.spi;

import dev.baton.locks.Lease;
import dev.baton.locks.LockEvent;
import dev.baton.locks.LockListener;
import dev.baton.locks.LockProvider;
import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base of every Baton backend: it checks arguments, reports events, keeps track of the
 * leases it granted so {@link #close()} can give them back, and owns the scheduler that renews
 * leases and notices when they run out. A backend supplies the store operations: one attempt
 * ({@link #doTryAcquire}), an efficient wait ({@link #doAwait}), and an {@link AbstractLease}
 * subclass for renewal and release.
 *
 * <p>A lease that runs out unreleased is forgotten when its deadline passes (one timer per
 * provider, armed for the first lease to run out, and a sweep on every grant): it is lost, costs
 * no memory here, and {@link #close()} makes no store call for it. That sweep is also what
 * notices a lease running out and runs its onLost actions, and one more timer sends every
 * keep-alive renewal ({@code RenewalSchedule}): a provider holding many leases wakes a few
 * times a second, not once per lease and renewal.
 *
 * <p>Subclasses must be thread-safe.
 */
public abstract class AbstractLockProvider implements LockProvider {
  private static final Logger log = LoggerFactory.getLogger(AbstractLockProvider.class);
  private static final AtomicInteger instances = new AtomicInteger();
  /**
   * How far ahead a sweep moves kept-alive leases to their current deadline ({@link
   * HeldLeases#takeExpired}): about one sweep a second however many leases are kept alive.
   */
  private static final long SWEEP_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String store;
  private final Ticker ticker;
  private final List<LockListener> listeners;
  private final HeldLeases held;
  private final ScheduledThreadPoolExecutor scheduler;
  /** Keep-alive store calls run here, never on the scheduler's two threads. */
  private final RenewalThreads renewals;
  /** Guards the sweep timer; never held across I/O. */
  private final ReentrantLock sweepLock = new ReentrantLock();
  private ScheduledFuture<?> sweep;
  private volatile RenewalSchedule renewalSchedule;
  private long sweepAt;
  private volatile boolean closed;

  /**
   * Takes the common settings from a backend's builder.
   *
   * @param settings the builder: store name, ticker, listeners
   * @param defaultTicker the ticker if the builder set none
   */
  protected AbstractLockProvider(LockProviderBuilder<?> settings, Ticker defaultTicker) {
    this(settings.storeName(), settings.tickerOr(defaultTicker), settings.listeners());
  }

  /**
   * A provider for {@code store}, with its own timer threads and no leases yet.
   *
   * @param store the store's name as reported by {@link Lease#store()}, e.g. {@code "redis"}
   * @param ticker the clock for local lease deadlines
   * @param listeners receive this provider's events
   */
  protected AbstractLockProvider(String store, Ticker ticker, List<LockListener> listeners) {
    this.store = Objects.requireNonNull(store, "store");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.listeners = List.copyOf(listeners);
    this.held = new HeldLeases(ticker.read());
    int instance = instances.incrementAndGet();
    this.scheduler = new ScheduledThreadPoolExecutor(2, daemonThreads(store, instance));
    this.renewals = new RenewalThreads(store, instance);
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * One attempt at the store, without waiting.
   *
   * @param name the lock name, already checked
   * @param leaseTime the lease time, already checked
   * @param start the {@link #ticker()} reading taken before the request, to pass to the lease
   * @return the new lease, or empty if the name is held
   * @throws LockUnavailableException if the store cannot be reached
   */
  protected abstract Optional<? extends AbstractLease> doTryAcquire(
      String name, Duration leaseTime, long start);

  /**
   * Waits for the name with the store's best mechanism (a queue, a watch, a notification),
   * never a fixed sleep loop, until {@code deadline} on the {@link System#nanoTime()} scale
   * ({@link Long#MAX_VALUE} for no limit). A wait that gives up must leave nothing behind at the
   * store. Called after an attempt found the name held; wakes and throws
   * {@link IllegalStateException} if the provider is closed meanwhile.
   *
   * @param name the lock name, already checked
   * @param leaseTime the lease time, already checked
   * @param deadline when to give up, on the {@link System#nanoTime()} scale
   * @return the new lease, or empty at the deadline
   * @throws InterruptedException if the waiting thread is interrupted; nothing is left behind
   * @throws LockUnavailableException if the store cannot be reached
   */
  protected abstract Optional<? extends AbstractLease> doAwait(
      String name, Duration leaseTime, long deadline) throws InterruptedException;

  /** Called first by {@link #close()}: wake this provider's waiters so they see it is closed. */
  protected void wakeWaiters() {}

  /** Called last by {@link #close()}, after every lease was given back: free connections. */
  protected void doClose() {}

  @Override
  public final Optional<Lease> tryAcquire(String name, Duration leaseTime) {
    LockArguments.checkName(name);
    LockArguments.checkLeaseTime(leaseTime);
    ensureOpen();
    return attempt(name, leaseTime).map(lease -> granted(lease, Duration.ZERO));
  }

  @Override
  public final Optional<Lease> tryAcquire(String name, Duration leaseTime, Duration maxWait)
      throws InterruptedException {
    LockArguments.checkName(name);
    LockArguments.checkLeaseTime(leaseTime);
    LockArguments.checkMaxWait(maxWait);
    ensureOpen();
    long begin = System.nanoTime();
    return waitFor(name, leaseTime, LockArguments.deadlineAfter(begin, maxWait), begin);
  }

  @Override
  public final Lease acquire(String name, Duration leaseTime) throws InterruptedException {
    LockArguments.checkName(name);
    LockArguments.checkLeaseTime(leaseTime);
    ensureOpen();
    long begin = System.nanoTime();
    while (true) {
      Optional<Lease> lease = waitFor(name, leaseTime, Long.MAX_VALUE, begin);
      if (lease.isPresent()) {
        return lease.get();
      }
    }
  }

  private Optional<Lease> waitFor(String name, Duration leaseTime, long deadline, long begin)
      throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before acquiring " + name);
    }
    Optional<? extends AbstractLease> first;
    try {
      first = attempt(name, leaseTime);
    } catch (LockUnavailableException e) {
      throw interruptedOr(e, name);
    }
    if (first.isPresent()) {
      return Optional.of(granted(first.get(), Duration.ZERO));
    }
    if (deadline - System.nanoTime() <= 0) {
      return Optional.empty();
    }
    Optional<? extends AbstractLease> lease;
    try {
      lease = doAwait(name, leaseTime, deadline);
    } catch (LockUnavailableException e) {
      fire(LockEvent.Type.STORE_DOWN, name, 0, Duration.ZERO, e);
      throw interruptedOr(e, name);
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - begin);
    fire(LockEvent.Type.WAITED, name, 0, waited, null);
    if (lease.isEmpty()) {
      fire(LockEvent.Type.DENIED, name, 0, waited, null);
      return Optional.empty();
    }
    return Optional.of(granted(lease.get(), waited));
  }

  /**
   * A client interrupted inside a store call (a connection being opened, a socket read) often
   * reports the interrupt as an outage; for a waiting caller the interrupt flag decides.
   */
  private static LockUnavailableException interruptedOr(LockUnavailableException e, String name)
      throws InterruptedException {
    if (Thread.interrupted()) {
      InterruptedException interrupted = new InterruptedException("interrupted while acquiring " + name);
      interrupted.addSuppressed(e);
      throw interrupted;
    }
    return e;
  }

  private Optional<? extends AbstractLease> attempt(String name, Duration leaseTime) {
    Optional<? extends AbstractLease> lease;
    try {
      lease = doTryAcquire(name, leaseTime, ticker.read());
    } catch (LockUnavailableException e) {
      fire(LockEvent.Type.STORE_DOWN, name, 0, Duration.ZERO, e);
      throw e;
    }
    return lease;
  }

  private Lease granted(AbstractLease lease, Duration waited) {
    forgetExpired();
    if (held.add(lease)) {
      armSweep();
    }
    if (closed) {
      // close() ran while the grant was on its way: give it back, the caller gets nothing.
      lease.releaseQuietly();
      throw closedException();
    }
    lease.activate(!listeners.isEmpty());
    fire(LockEvent.Type.ACQUIRED, lease.name(), lease.fencingToken(), waited, null);
    return lease;
  }

  /**
   * Releases every lease still held (without running the onLost actions of those released in
   * time), stops renewals and frees the store's resources. Leases that already ran out are
   * forgotten first, without a store call. Idempotent; never throws for a store outage.
   */
  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    wakeWaiters();
    forgetExpired(); // a lease that ran out long ago needs no round trip
    for (AbstractLease lease : held.snapshot()) {
      lease.releaseQuietly();
    }
    scheduler.shutdownNow();
    renewals.shutdown();
    try {
      doClose();
    } catch (RuntimeException e) {
      log.warn("Closing the {} lock provider failed", store, e);
    }
  }

  /**
   * Whether {@link #close()} has begun.
   *
   * @return true once {@link #close()} has begun
   */
  protected final boolean isClosed() {
    return closed;
  }

  /** Throws {@link IllegalStateException} if the provider is closed. */
  protected final void ensureOpen() {
    if (closed) {
      throw closedException();
    }
  }

  /**
   * The exception waiters throw when the provider is closed under them.
   *
   * @return a new exception naming the store
   */
  protected final IllegalStateException closedException() {
    return new IllegalStateException("the " + store + " lock provider is closed");
  }

  /**
   * The store's name, as in {@link Lease#store()}.
   *
   * @return the store name of this provider's leases and events
   */
  protected final String store() {
    return store;
  }

  /**
   * The clock of local lease deadlines.
   *
   * @return the ticker given to the builder, or the backend's default
   */
  protected final Ticker ticker() {
    return ticker;
  }

  /**
   * A scheduler for the backend's own periodic work; stopped by {@link #close()}.
   *
   * @return this provider's scheduler (two daemon threads); tasks on it must not block for long
   */
  protected final ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Threads for the blocking store calls a backend's timers start (ending a grant whose time
   * ran out, a session heartbeat): the {@link #scheduler()}'s two threads only fire such a task
   * and hand it over here, so one slow or stalled store call holds up no other timer. These
   * are the threads keep-alive renewals run on: up to {@value RenewalThreads#THREADS} at once,
   * started on demand. A task handed over while the provider closes is dropped.
   *
   * @return an executor for short blocking store calls; never runs a task on the caller's thread
   */
  protected final Executor storeCallThreads() {
    return renewals::execute;
  }

  /**
   * How many kept-alive leases this backend renews in one store call of {@link #renewAll}.
   * With 1, the default, every keep-alive renewal is its own {@link AbstractLease#renew} call
   * (up to {@value RenewalThreads#THREADS} at once). A backend that overrides {@link
   * #renewAll} with a batched store call returns its batch size here; keep-alive renewals that
   * fall due close together then share one call (each goes out at most {@value
   * RenewalSchedule#MAX_SLACK_MILLIS} ms, or a twentieth of its lease time, before or after its
   * time, with the others due within that window).
   * Read once, at the first keep-alive renewal.
   *
   * @return the largest batch {@link #renewAll} is given, at least 1
   */
  protected int renewalBatchSize() {
    return 1;
  }

  /**
   * Renews a batch of kept-alive leases of this provider, in as few store calls as the store
   * allows, and marks each {@link Renewal}: {@linkplain Renewal#renewed() renewed} only if the
   * store confirmed, owner-checked, that it still holds the name for that lease and now for the
   * renewal's lease time; {@linkplain Renewal#notHeld() not held} if the store says it is no
   * longer that lease's. A renewal left unmarked, or a call that throws, counts as an outage
   * for the renewals not yet marked: those leases keep the earlier of their old and new
   * deadlines, as after a failed {@link AbstractLease#renew}. Each lease's store operations are
   * held for the call, as for {@code renew}; everything else (deadlines, undoing a renewal that
   * came back too late, onLost) is done by the base class, exactly as for a single renewal.
   *
   * <p>The default renews one lease after the other with {@link AbstractLease#renew}; it is only
   * used if {@link #renewalBatchSize()} is above 1.
   *
   * @param renewals at most {@link #renewalBatchSize()} renewals, of distinct leases
   */
  protected void renewAll(List<Renewal> renewals) {
    for (Renewal renewal : renewals) {
      try {
        if (renewal.lease().renew(renewal.leaseTime())) {
          renewal.renewed();
        } else {
          renewal.notHeld();
        }
      } catch (RuntimeException e) {
        renewal.failed(e);
      }
    }
  }

  /**
   * Queues the next keep-alive renewal of {@code lease}, due {@code periodNanos} from now, on
   * the provider's one renewal timer; it goes out alone or with others in a batch.
   */
  final void keepAliveDue(AbstractLease lease, Duration leaseTime, long periodNanos) {
    renewalSchedule().schedule(lease, leaseTime, periodNanos);
  }

  /** The renewal timer, made at the first keep-alive (the batch size is read once, then). */
  final RenewalSchedule renewalSchedule() {
    RenewalSchedule current = renewalSchedule;
    if (current != null) {
      return current;
    }
    sweepLock.lock();
    try {
      if (renewalSchedule == null) {
        int size = renewalBatchSize();
        if (size < 1) {
          throw new IllegalStateException("renewalBatchSize() of the " + store
              + " provider must be at least 1: " + size);
        }
        renewalSchedule = new RenewalSchedule(size, scheduler, size == 1
            ? batch -> batch.forEach(lease -> renewals.execute(lease::renewOnce))
            : batch -> renewals.execute(() -> renewBatch(batch)));
      }
      return renewalSchedule;
    } finally {
      sweepLock.unlock();
    }
  }

  /** Runs one batch on a renewal thread; a lease busy with an extend or release goes alone. */
  private void renewBatch(List<AbstractLease> leases) {
    List<AbstractLease.Attempt> attempts = new ArrayList<>(leases.size());
    List<Renewal> sent = new ArrayList<>(leases.size());
    List<AbstractLease> busy = new ArrayList<>();
    try {
      for (AbstractLease lease : leases) {
        AbstractLease.Attempt attempt = lease.beginBatched();
        if (attempt == null) {
          busy.add(lease);
          continue;
        }
        attempts.add(attempt);
        if (attempt.renewal != null) {
          sent.add(attempt.renewal);
        }
      }
      if (!sent.isEmpty()) {
        try {
          renewAll(sent);
        } catch (RuntimeException e) {
          for (Renewal renewal : sent) {
            if (renewal.outcome() == Renewal.Outcome.UNKNOWN) {
              renewal.failed(e);
            }
          }
        }
        logFailures(sent);
      }
    } finally {
      for (AbstractLease.Attempt attempt : attempts) {
        try {
          attempt.lease.finishBatched(attempt);
        } catch (RuntimeException e) {
          log.warn("Finishing a renewal on {} failed", store, e);
        }
      }
    }
    for (AbstractLease lease : busy) {
      lease.renewOnce();
    }
  }

  private void logFailures(List<Renewal> sent) {
    int failed = 0;
    Renewal first = null;
    for (Renewal renewal : sent) {
      if (renewal.outcome() == Renewal.Outcome.FAILED || renewal.outcome() == Renewal.Outcome.UNKNOWN) {
        failed++;
        first = first == null ? renewal : first;
      }
    }
    if (first != null) {
      log.warn("Could not renew {} of {} kept-alive leases at {} (first: {}); each stays valid"
          + " until its deadline and is renewed again", failed, sent.size(), store,
          first.lease().name(), first.failure());
    }
  }

  final void forget(AbstractLease lease) {
    held.remove(lease);
  }

  /**
   * The number of leases granted by this provider and not yet released, lost or run out. Leases
   * whose deadline passed are forgotten first.
   *
   * @return the number of leases this provider still holds
   */
  protected final int heldCount() {
    forgetExpired();
    return held.size();
  }

  /**
   * A lease's deadline came earlier than the one it is queued at in {@link HeldLeases}: queue it
   * there again, and sweep earlier if it is now the first to run out.
   */
  final void deadlineLowered(AbstractLease lease) {
    if (held.moveEarlier(lease)) {
      armSweep();
    }
  }

  /** Ends every lease whose local deadline passed: each is lost, and forgotten. */
  private void forgetExpired() {
    long now = ticker.read();
    for (AbstractLease lease : held.takeExpired(now, SWEEP_WINDOW_NANOS)) {
      lease.expired(now);
    }
  }

  /** Arms the sweep timer for the first deadline, unless it is armed for an earlier one. */
  private void armSweep() {
    sweepLock.lock();
    try {
      if (held.size() == 0) {
        return;
      }
      long first = held.firstDeadline(ticker.read());
      if (sweep != null && !sweep.isDone() && sweepAt - first <= 0) {
        return;
      }
      if (sweep != null) {
        sweep.cancel(false);
      }
      sweepAt = first;
      long delay = Math.max(1, first - ticker.read());
      try {
        sweep = scheduler.schedule(this::sweep, delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        sweep = null; // close() forgets what ran out itself
      }
    } finally {
      sweepLock.unlock();
    }
  }

  private void sweep() {
    sweepLock.lock();
    try {
      sweep = null;
    } finally {
      sweepLock.unlock();
    }
    try {
      forgetExpired();
    } finally {
      if (!closed) {
        armSweep();
      }
    }
  }

  final void fire(LockEvent.Type type, String name, long token, Duration waited, Throwable cause) {
    if (listeners.isEmpty()) {
      return;
    }
    LockEvent event = new LockEvent(type, name, store, token, waited, cause);
    for (LockListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("Lock listener {} failed on {}", listener, event, e);
      }
    }
  }

  private static ThreadFactory daemonThreads(String store, int instance) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "baton-" + store + "-" + instance + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
