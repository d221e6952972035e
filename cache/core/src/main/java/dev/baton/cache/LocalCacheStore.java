package dev.baton.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CacheStore} inside this JVM: for tests, demos and services that run as one process.
 * Caches that share one {@code LocalCacheStore} behave as instances of a fleet sharing a store:
 * entries with TTL, and invalidation messages delivered to every subscriber, on the store's
 * own delivery thread, in the order published.
 *
 * <p>It never fails and holds everything in memory: an entry is dropped when its TTL has
 * passed (checked on read; a {@link #put} sweeps expired entries and leases now and then).
 * Leases are kept as the SPI asks: {@link #putIfLeased} checks and writes under one lock that
 * {@link #put} and {@link #delete} (which end the lease) also take. Thread-safe.
 */
public final class LocalCacheStore implements CacheStore {
  private static final Logger log = LoggerFactory.getLogger(LocalCacheStore.class);
  private static final int SWEEP_EVERY = 1024;

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  // Guards the steps that must be atomic against each other: a conditional write and the
  // invalidations (put, delete) that end a lease. Nothing blocking runs under it.
  private final ReentrantLock writes = new ReentrantLock();
  private final Map<String, List<CacheStore.Subscriber>> subscribers = new ConcurrentHashMap<>();
  private final ExecutorService delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new LinkedBlockingQueue<>(), runnable -> {
        Thread thread = new Thread(runnable, "baton-local-cache-store");
        thread.setDaemon(true);
        return thread;
      });
  private int puts;

  private record Entry(byte[] bytes, long expiresAtNanos) {
    boolean expired(long now) {
      return now - expiresAtNanos >= 0;
    }
  }

  private record Lease(String token, long expiresAtNanos) {
    boolean expired(long now) {
      return now - expiresAtNanos >= 0;
    }
  }

  /** An empty store. */
  public LocalCacheStore() {}

  private static String key(String namespace, String key) {
    return Objects.requireNonNull(namespace, "namespace") + '\0' + Objects.requireNonNull(key, "key");
  }

  @Override
  public Optional<byte[]> get(String namespace, String key) {
    String k = key(namespace, key);
    Entry entry = entries.get(k);
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.expired(System.nanoTime())) {
      entries.remove(k, entry);
      return Optional.empty();
    }
    return Optional.of(entry.bytes().clone());
  }

  @Override
  public void put(String namespace, String key, byte[] entry, Duration ttl) {
    Objects.requireNonNull(entry, "entry");
    String k = key(namespace, key);
    Entry stored = entry(entry, ttl);
    writes.lock();
    try {
      entries.put(k, stored);
      leases.remove(k);
    } finally {
      writes.unlock();
    }
    sweepNowAndThen();
  }

  @Override
  public String lease(String namespace, String key, String candidate, Duration leaseTime) {
    Objects.requireNonNull(candidate, "candidate");
    String k = key(namespace, key);
    long now = System.nanoTime();
    writes.lock();
    try {
      Lease lease = leases.get(k);
      if (lease == null || lease.expired(now)) {
        lease = new Lease(candidate, now + nanos(leaseTime));
        leases.put(k, lease);
      }
      return lease.token();
    } finally {
      writes.unlock();
    }
  }

  @Override
  public boolean putIfLeased(String namespace, String key, byte[] entry, Duration ttl,
      String lease) {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(lease, "lease");
    String k = key(namespace, key);
    Entry stored = entry(entry, ttl);
    boolean written;
    writes.lock();
    try {
      Lease current = leases.get(k);
      written = current != null && !current.expired(System.nanoTime())
          && current.token().equals(lease);
      if (written) {
        entries.put(k, stored);
      }
    } finally {
      writes.unlock();
    }
    sweepNowAndThen();
    return written;
  }

  @Override
  public void delete(String namespace, String key) {
    String k = key(namespace, key);
    writes.lock();
    try {
      entries.remove(k);
      leases.remove(k);
    } finally {
      writes.unlock();
    }
  }

  /** Always answers: the store is in this JVM. */
  @Override
  public void ping() {}

  private static Entry entry(byte[] bytes, Duration ttl) {
    return new Entry(bytes.clone(), System.nanoTime() + nanos(ttl));
  }

  private static long nanos(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    return ttl.compareTo(Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE / 4 : ttl.toNanos();
  }

  private void sweepNowAndThen() {
    boolean sweep;
    writes.lock();
    try {
      sweep = ++puts % SWEEP_EVERY == 0;
    } finally {
      writes.unlock();
    }
    if (sweep) {
      long now = System.nanoTime();
      entries.values().removeIf(e -> e.expired(now));
      leases.values().removeIf(l -> l.expired(now));
    }
  }

  @Override
  public void publish(String namespace, String message) {
    Objects.requireNonNull(message, "message");
    List<CacheStore.Subscriber> targets = subscribers.getOrDefault(namespace, List.of());
    for (CacheStore.Subscriber subscriber : targets) {
      delivery.execute(() -> {
        try {
          subscriber.onMessage(message);
        } catch (RuntimeException e) {
          log.warn("A subscriber of {} failed on a message: {}", namespace, e.toString(), e);
        }
      });
    }
  }

  @Override
  public Subscription subscribe(String namespace, CacheStore.Subscriber subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    List<CacheStore.Subscriber> list =
        subscribers.computeIfAbsent(namespace, n -> new CopyOnWriteArrayList<>());
    list.add(subscriber);
    return () -> list.remove(subscriber);
  }

  /** {@return the number of entries not yet expired or swept; for tests} */
  public int size() {
    return entries.size();
  }

  /** Stops delivering messages and drops every entry. */
  @Override
  public void close() {
    delivery.shutdown();
    entries.clear();
    leases.clear();
    subscribers.clear();
  }

  @Override
  public String toString() {
    return "LocalCacheStore[" + entries.size() + " entries]";
  }
}
