package dev.baton.locks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a {@link FallbackLockProvider} holds, whichever store granted it, and the token offsets
 * that keep its tokens increasing when it changes store.
 *
 * <p><b>Exclusion.</b> One name has at most one valid lease of this provider: a grant from
 * either store is handed out only if no lease of the name that this provider handed out earlier
 * is still valid, so a lease taken from the primary before a switch excludes the fallback, and
 * the other way round. A name is forgotten when its lease is released or lost (including run
 * out), so the ledger holds only the names currently held.
 *
 * <p><b>Tokens.</b> The token handed out is the store's token plus that store's offset. Each
 * time grants move to the other store, the highest token handed out so far (for any name)
 * becomes that store's floor, and its offset is raised, only as far as needed, so that every
 * token it hands out is above the floor: every later token of that store is greater than every
 * token handed out before the move. Until the first fallback grant both offsets are zero: a
 * provider that never switched hands out the primary's own tokens. Offsets and floors take four
 * longs, whatever the number of names. An offset grows at a move by the gap between the stores'
 * counters (small for the clock-seeded Redis and in-JVM stores, at most the highest token for
 * counters that start at 1), so the long range lasts for any realistic number of outages;
 * running out throws {@link LockException}.
 *
 * <p><b>With a shared fallback</b> a fallback grant's token is also at least the wall clock in
 * microseconds (the {@code clockMicros} given), as Redis and in-JVM tokens are: tokens of
 * different instances are then ordered by the time of their grants, as far as the clocks agree.
 *
 * <p>Thread-safe: one lock, never held across a store call.
 */
final class FallbackLedger {
  /** Which of the two stores a grant came from. */
  enum Route { PRIMARY, FALLBACK }

  private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when a name is forgotten or the provider closes. */
  private final Condition freed = lock.newCondition();
  private final Map<String, FallbackLease> holders = new HashMap<>();
  private final long[] offsets = new long[Route.values().length];
  /** Per store: the highest token handed out when grants last moved to it. */
  private final long[] floors = new long[Route.values().length];
  private Route lastRoute = Route.PRIMARY;
  private long highWater;
  private int waiters;
  private boolean closed;
  /** The longest lease time an acquisition or extension may ask for. */
  private final long maxLeaseNanos;
  /** The least token of a fallback grant, in microseconds; null without a shared fallback. */
  private final LongSupplier clockMicros;

  /** A ledger without a shared fallback: any lease time, fallback tokens by offset alone. */
  FallbackLedger() {
    this(Long.MAX_VALUE, null);
  }

  FallbackLedger(long maxLeaseNanos, LongSupplier clockMicros) {
    this.maxLeaseNanos = maxLeaseNanos;
    this.clockMicros = clockMicros;
  }

  /**
   * Refuses a lease time above the shared fallback's longest lease.
   *
   * @throws IllegalArgumentException naming the value and the bound
   */
  void checkLeaseTime(Duration leaseTime) {
    if (leaseTime != null && leaseTime.compareTo(Duration.ofNanos(maxLeaseNanos)) > 0) {
      throw new IllegalArgumentException("leaseTime " + leaseTime + " is longer than the"
          + " shared fallback's maxLeaseTime " + Duration.ofNanos(maxLeaseNanos));
    }
  }

  /**
   * Waits until no lease of this provider holds {@code name} validly, or until {@code deadline}
   * on the {@link System#nanoTime()} scale (a deadline already passed makes it a single check).
   *
   * @return true if the name is free here, false at the deadline
   * @throws IllegalStateException once the provider is closed
   */
  boolean awaitFree(String name, long deadline) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        checkOpen();
        FallbackLease holder = holders.get(name);
        if (holder == null || !holder.isValid()) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // Woken by release or loss; the holder's deadline bounds the wait when it just runs out.
        long holderLeft = Math.max(MIN_WAIT_NANOS, holder.remaining().toNanos());
        waiters++;
        try {
          freed.awaitNanos(Math.min(left, holderLeft));
        } finally {
          waiters--;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records a fresh grant and gives it its token, unless another lease of this provider holds
   * the name validly.
   *
   * @param current whether the grant was asked for in the provider's current epoch (read under
   *     this ledger's lock, so a switch back either sees the lease in {@link #heldThrough} or
   *     this call sees the new epoch)
   * @return the lease to hand out, or null if the name is held here or the epoch has changed
   *     (the caller gives the grant back)
   * @throws LockException if the token would overflow
   * @throws IllegalStateException once the provider is closed
   */
  FallbackLease register(Lease granted, Route route, BooleanSupplier current) {
    lock.lock();
    try {
      checkOpen();
      if (!current.getAsBoolean()) {
        return null;
      }
      String name = granted.name();
      FallbackLease holder = holders.get(name);
      if (holder != null && holder.isValid()) {
        return null;
      }
      int r = route.ordinal();
      if (route != lastRoute) {
        floors[r] = highWater; // every token of this store from now on must be above it
        lastRoute = route;
      }
      long raw = granted.fencingToken();
      if (offsets[r] < floors[r] - raw + 1) {
        // Raise the offset just enough: clock-seeded stores (Redis, in-JVM) issue tokens close
        // to each other's, so an offset grows by the gap between the stores, not by the token.
        offsets[r] = floors[r] - raw + 1;
      }
      long token;
      try {
        token = Math.addExact(raw, offsets[r]);
        if (clockMicros != null && route == Route.FALLBACK) {
          token = Math.max(token, Math.max(clockMicros.getAsLong(), Math.addExact(highWater, 1)));
        }
      } catch (ArithmeticException overflow) {
        throw new LockException("fencing token of " + name + " would overflow: store token "
            + granted.fencingToken() + " + offset " + offsets[route.ordinal()]
            + " after the switches between stores; restart the provider");
      }
      highWater = Math.max(highWater, token);
      FallbackLease lease = new FallbackLease(granted, token, route, this);
      holders.put(name, lease);
      return lease;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets {@code lease} if it is the one recorded for its name, and wakes local waiters. */
  void forget(FallbackLease lease) {
    lock.lock();
    try {
      holders.remove(lease.name(), lease);
      if (waiters > 0) {
        freed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The leases held here that {@code route} granted. */
  List<FallbackLease> heldThrough(Route route) {
    lock.lock();
    try {
      List<FallbackLease> held = new ArrayList<>();
      for (FallbackLease lease : holders.values()) {
        if (lease.route() == route) {
          held.add(lease);
        }
      }
      return held;
    } finally {
      lock.unlock();
    }
  }

  /** Marks the provider closed and wakes every waiter, which then throws. */
  void close() {
    lock.lock();
    try {
      closed = true;
      holders.clear();
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The number of callers waiting for a name held here (for tests). */
  int waiters() {
    lock.lock();
    try {
      return waiters;
    } finally {
      lock.unlock();
    }
  }

  /** The number of names recorded as held (for tests of the memory bound). */
  int size() {
    lock.lock();
    try {
      return holders.size();
    } finally {
      lock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the fallback lock provider is closed");
    }
  }
}
