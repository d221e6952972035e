package dev.baton.locks.spi;

import dev.baton.locks.LockListener;
import dev.baton.locks.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock store in memory whose time is the provider's ticker, with hooks inside its store
 * operations so a test can hold a renewal in flight, fail it after the store applied it, or
 * drop a grant behind the holder's back. It keeps an owner id per name, never the lease, so
 * what keeps a lease in memory is the SPI alone. Thread-safe.
 */
final class ScriptedStore extends AbstractLockProvider {
  /** Runs inside a store operation, after the store applied it. */
  interface Hook {
    void run(String name, Duration leaseTime) throws Exception;
  }

  private record Entry(long owner, long expiresAt) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Entry> grants = new HashMap<>();
  private final AtomicLong tokens = new AtomicLong();
  final AtomicInteger renewCalls = new AtomicInteger();
  final AtomicInteger unlockCalls = new AtomicInteger();
  /** Called inside renew(), after the store extended the grant. */
  volatile Hook afterRenew = (name, leaseTime) -> {};
  /** Whether renew() throws after the store extended the grant (a reply lost on the way). */
  volatile boolean failAfterRenew;

  /** Batch size of keep-alive renewals; above 1, they go through {@link #renewAll}. Set before the first keep-alive. */
  volatile int batchSize = 1;
  /** The sizes of the batches renewAll was given. */
  final List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Called inside renewAll(), after the store applied the batch. */
  volatile Runnable afterBatch = () -> {};
  /** Whether renewAll() throws before the store applies anything (an outage). */
  volatile boolean failBatch;

  /** The store's own clock; by default the provider's ticker. */
  private final Ticker clock;

  ScriptedStore(Ticker ticker, List<LockListener> listeners) {
    this(ticker, ticker, listeners);
  }

  /** A store whose grants run on {@code clock} while the provider's deadlines run on {@code ticker}. */
  ScriptedStore(Ticker ticker, Ticker clock, List<LockListener> listeners) {
    super("scripted", ticker, listeners);
    this.clock = clock;
  }

  /** The time the store still grants {@code name}, or zero. */
  Duration storeRemaining(String name) {
    lock.lock();
    try {
      Entry entry = grants.get(name);
      long left = entry == null ? 0 : entry.expiresAt - clock.read();
      return Duration.ofNanos(Math.max(0, left));
    } finally {
      lock.unlock();
    }
  }

  /** Whether the store grants {@code name} to anyone now. */
  boolean storeHolds(String name) {
    return !storeRemaining(name).isZero();
  }

  /** The store forgets the grant of {@code name}, as a store that lost its data would. */
  void drop(String name) {
    lock.lock();
    try {
      grants.remove(name);
    } finally {
      lock.unlock();
    }
  }

  /** Package access to the provider's count, for the tests of this package. */
  int held() {
    return heldCount();
  }

  @Override
  protected int renewalBatchSize() {
    return batchSize;
  }

  /** One store call for the whole batch, like a script renewing many keys. */
  @Override
  protected void renewAll(List<Renewal> renewals) {
    batches.add(renewals.size());
    if (failBatch) {
      throw new dev.baton.locks.LockUnavailableException("the store is down");
    }
    lock.lock();
    try {
      long now = clock.read();
      for (Renewal renewal : renewals) {
        ScriptedLease lease = (ScriptedLease) renewal.lease();
        Entry entry = grants.get(lease.name());
        if (entry == null || entry.owner != lease.owner || entry.expiresAt - now <= 0) {
          renewal.notHeld();
        } else {
          grants.put(lease.name(), new Entry(lease.owner, now + renewal.leaseTime().toNanos()));
          renewal.renewed();
        }
      }
    } finally {
      lock.unlock();
    }
    afterBatch.run();
  }

  @Override
  protected Optional<? extends AbstractLease> doTryAcquire(String name, Duration leaseTime, long start) {
    lock.lock();
    try {
      long now = clock.read();
      Entry entry = grants.get(name);
      if (entry != null && entry.expiresAt - now > 0) {
        return Optional.empty();
      }
      long token = tokens.incrementAndGet();
      grants.put(name, new Entry(token, now + leaseTime.toNanos()));
      return Optional.of(new ScriptedLease(name, token, leaseTime, start));
    } finally {
      lock.unlock();
    }
  }

  @Override
  protected Optional<? extends AbstractLease> doAwait(String name, Duration leaseTime, long deadline)
      throws InterruptedException {
    while (deadline - System.nanoTime() > 0) {
      ensureOpen();
      Optional<? extends AbstractLease> lease = doTryAcquire(name, leaseTime, ticker().read());
      if (lease.isPresent()) {
        return lease;
      }
      Thread.sleep(1);
    }
    return Optional.empty();
  }

  private final class ScriptedLease extends AbstractLease {
    private final long owner;

    ScriptedLease(String name, long token, Duration leaseTime, long start) {
      super(ScriptedStore.this, name, token, leaseTime, start);
      this.owner = token;
    }

    @Override
    protected boolean renew(Duration leaseTime) {
      renewCalls.incrementAndGet();
      lock.lock();
      try {
        long now = clock.read();
        Entry entry = grants.get(name());
        if (entry == null || entry.owner != owner || entry.expiresAt - now <= 0) {
          return false;
        }
        grants.put(name(), new Entry(owner, now + leaseTime.toNanos()));
      } finally {
        lock.unlock();
      }
      try {
        afterRenew.run(name(), leaseTime);
      } catch (Exception e) {
        throw new IllegalStateException("hook failed", e);
      }
      if (failAfterRenew) {
        throw new dev.baton.locks.LockUnavailableException("reply lost after the store extended " + name());
      }
      return true;
    }

    @Override
    protected boolean unlock() {
      unlockCalls.incrementAndGet();
      lock.lock();
      try {
        Entry entry = grants.get(name());
        if (entry == null || entry.owner != owner) {
          return false;
        }
        grants.remove(name());
        return entry.expiresAt - clock.read() > 0;
      } finally {
        lock.unlock();
      }
    }
  }
}
