package dev.baton.locks;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The store behind {@link LocalLockProvider}: grants, their expiry times and fencing tokens,
 * held in this JVM's memory. Every provider built on the same store excludes the others by
 * name; {@link #jvm()} is the one store of the whole JVM, {@link #create()} makes an isolated
 * one (for tests).
 *
 * <p>Fencing tokens come from one counter per store: each grant's token is the larger of the
 * last token + 1 and the wall clock in microseconds since the epoch. They are strictly
 * increasing per name for the life of the store (the JVM, for {@link #jvm()}), even if the wall
 * clock steps back, and a store created later (after a restart of the JVM) issues tokens
 * greater than an earlier store's, as long as the wall clock has not stepped back between the
 * two by more than the time between them. Waiters sleep on a condition of their name and are
 * woken by its release, or when the holder's lease runs out.
 *
 * <p>Thread-safe.
 */
public final class LocalLockStore {
  private static final LocalLockStore JVM = new LocalLockStore(Ticker.system(), Clock.systemUTC());

  private final Ticker ticker;
  private final Clock wallClock;
  private final AtomicLong tokens = new AtomicLong();
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  private LocalLockStore(Ticker ticker, Clock wallClock) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
  }

  /**
   * The store shared by every {@link LocalLockProvider#create()} in this JVM.
   *
   * @return the JVM-wide store, on the system clock
   */
  public static LocalLockStore jvm() {
    return JVM;
  }

  /**
   * A new, isolated store on the system clock.
   *
   * @return a store that shares no grants with any other
   */
  public static LocalLockStore create() {
    return new LocalLockStore(Ticker.system(), Clock.systemUTC());
  }

  /**
   * A new, isolated store whose lease times run on {@code ticker}.
   *
   * @param ticker the clock of lease deadlines, e.g. a test's controllable one; not null
   * @return a store that shares no grants with any other
   */
  public static LocalLockStore create(Ticker ticker) {
    return new LocalLockStore(ticker, Clock.systemUTC());
  }

  /** A new, isolated store whose tokens are seeded from {@code wallClock} (tests). */
  static LocalLockStore create(Ticker ticker, Clock wallClock) {
    return new LocalLockStore(ticker, wallClock);
  }

  Ticker ticker() {
    return ticker;
  }

  /** One holder of a name; identity is ownership. */
  static final class Grant {
    final String name;
    final long token;
    final long grantedAt;
    long expiresAt; // guarded by the slot's lock

    Grant(String name, long token, long grantedAt, long expiresAt) {
      this.name = name;
      this.token = token;
      this.grantedAt = grantedAt;
      this.expiresAt = expiresAt;
    }
  }

  /** The state of one name. A slot with no holder and no waiter is removed and retired. */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    Grant holder;
    int waiters;
    boolean retired;
  }

  Grant tryGrant(String name, long leaseNanos) {
    Slot slot = lockedSlot(name);
    try {
      return grantIfFree(slot, name, leaseNanos);
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * The slot of {@code name}, locked by the caller's thread. A slot retired (removed while
   * idle) between the lookup and the lock is not used: the lookup is repeated.
   */
  private Slot lockedSlot(String name) {
    while (true) {
      Slot slot = slots.computeIfAbsent(name, n -> new Slot());
      slot.lock.lock();
      if (!slot.retired) {
        return slot;
      }
      slot.lock.unlock();
    }
  }

  /**
   * Waits until the name is free and grants it, or returns null at {@code deadline} (on the
   * {@link System#nanoTime()} scale). Sleeps until a release signals the name or the holder's
   * lease runs out, whichever comes first.
   */
  Grant awaitGrant(String name, long leaseNanos, long deadline, BooleanSupplier closed)
      throws InterruptedException {
    Slot slot = lockedSlot(name);
    slot.waiters++;
    try {
      while (true) {
        if (closed.getAsBoolean()) {
          return null;
        }
        Grant grant = grantIfFree(slot, name, leaseNanos);
        if (grant != null) {
          return grant;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        long untilExpiry = Math.max(1, slot.holder.expiresAt - ticker.read());
        slot.changed.awaitNanos(Math.min(left, untilExpiry));
      }
    } finally {
      slot.waiters--;
      retireIfIdle(name, slot);
      slot.lock.unlock();
    }
  }

  boolean extend(Grant grant, long leaseNanos) {
    Slot slot = slots.get(grant.name);
    if (slot == null) {
      return false;
    }
    slot.lock.lock();
    try {
      long now = ticker.read();
      if (slot.holder != grant || grant.expiresAt - now <= 0) {
        return false;
      }
      grant.expiresAt = saturatedAdd(now, leaseNanos);
      return true;
    } finally {
      slot.lock.unlock();
    }
  }

  /** Frees the name if {@code grant} holds it; true only if the grant had not run out. */
  boolean release(Grant grant) {
    Slot slot = slots.get(grant.name);
    if (slot == null) {
      return false;
    }
    slot.lock.lock();
    try {
      if (slot.holder != grant) {
        return false;
      }
      boolean inTime = grant.expiresAt - ticker.read() > 0;
      slot.holder = null;
      slot.changed.signalAll();
      retireIfIdle(grant.name, slot);
      return inTime;
    } finally {
      slot.lock.unlock();
    }
  }

  /** Wakes every waiter of the store, so waiters of a closed provider can leave. */
  void wakeAll() {
    for (Slot slot : slots.values()) {
      slot.lock.lock();
      try {
        slot.changed.signalAll();
      } finally {
        slot.lock.unlock();
      }
    }
  }

  /** The number of names with a holder or a waiter (for tests and diagnostics). */
  int activeNames() {
    return slots.size();
  }

  private Grant grantIfFree(Slot slot, String name, long leaseNanos) {
    long now = ticker.read();
    if (slot.holder != null && slot.holder.expiresAt - now > 0) {
      return null;
    }
    slot.holder = new Grant(name, nextToken(), now, saturatedAdd(now, leaseNanos));
    return slot.holder;
  }

  /**
   * max(last token + 1, wall clock in microseconds): strictly increasing within the store
   * whatever the clock does, and ahead of an earlier store's tokens (a restarted JVM) unless
   * the clock stepped back by more than the time since that store's last grant.
   */
  private long nextToken() {
    long now = micros(wallClock.instant());
    return tokens.updateAndGet(last -> Math.max(last + 1, now));
  }

  /** Microseconds since the epoch: the clock part of every clock-seeded token. */
  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  private void retireIfIdle(String name, Slot slot) {
    if (slot.holder == null && slot.waiters == 0) {
      slot.retired = true;
      slots.remove(name, slot);
    }
  }

  private static long saturatedAdd(long now, long nanos) {
    long sum = now + nanos;
    return (nanos > 0 && sum < now) ? Long.MAX_VALUE : sum;
  }

  @Override
  public String toString() {
    return "LocalLockStore[" + slots.size() + " names, last token " + tokens.get() + "]";
  }

}
