package dev.baton.cache;

import dev.baton.cache.CacheEvent.Type;
import dev.baton.locks.Lease;
import dev.baton.locks.LockException;
import dev.baton.locks.LockProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-key distributed locks of a cache. Never throws for the lock store: a lock that cannot
 * be had in time, or a lock store that cannot be reached, is logged and counted, and the caller
 * goes on without it. Calls go through the lock store's circuit breaker: while it is open, the
 * caller goes on without the lock at once. Thread-safe.
 */
final class KeyLocks {
  private static final Logger log = LoggerFactory.getLogger(KeyLocks.class);
  private static final int MAX_NAME = 1024;

  private final String cache;
  private final LockProvider locks;
  private final Duration lease;
  private final Duration maxWait;
  private final StatsRecorder stats;
  private final TierBreaker breaker;

  KeyLocks(String cache, LockProvider locks, Duration lease, Duration maxWait, StatsRecorder stats,
      TierBreaker breaker) {
    this.cache = cache;
    this.breaker = breaker;
    this.locks = locks;
    this.lease = lease;
    this.maxWait = maxWait;
    this.stats = stats;
  }

  /**
   * The key's lock, waiting up to the lock wait if it is held; empty on time-out or outage
   * (counted). The lease is kept alive until released, so a slow load keeps it.
   */
  Optional<Lease> acquire(String key) {
    if (!permitted(key)) {
      return Optional.empty();
    }
    String name = lockName(key);
    long start = System.nanoTime();
    try {
      Optional<Lease> lease = locks.tryAcquire(name, this.lease);
      if (lease.isEmpty()) {
        long waitStart = System.nanoTime();
        lease = locks.tryAcquire(name, this.lease, maxWait);
        Duration waited = Duration.ofNanos(System.nanoTime() - waitStart);
        stats.record(Type.LOCK_WAIT, key, waited, null);
        if (lease.isEmpty()) {
          log.warn("Cache {}: lock of {} not had within {}; loading without it", cache, key,
              maxWait);
          stats.record(Type.LOCK_TIMEOUT, key, waited, null);
        }
      }
      breaker.succeeded(start);
      return lease.map(Lease::keepAlive);
    } catch (LockException | IllegalStateException e) {
      breaker.failed(start, e);
      log.warn("Cache {}: lock store failed for {}; loading without the lock: {}", cache, key,
          e.toString());
      stats.record(Type.FALLBACK, key, Duration.ZERO, e);
      return Optional.empty();
    } catch (InterruptedException e) {
      breaker.abandoned();
      Thread.currentThread().interrupt();
      throw new CacheLoadException("interrupted while waiting for the lock of " + key
          + " in cache " + cache, e);
    } catch (RuntimeException | Error e) {
      breaker.abandoned();
      throw e;
    }
  }

  /** One attempt, no waiting: for background refreshes, which skip a key someone else loads. */
  Optional<Lease> tryAcquireNow(String key) {
    if (!permitted(key)) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    try {
      Optional<Lease> lease = locks.tryAcquire(lockName(key), this.lease).map(Lease::keepAlive);
      breaker.succeeded(start);
      return lease;
    } catch (LockException | IllegalStateException e) {
      breaker.failed(start, e);
      log.warn("Cache {}: lock store failed for the refresh of {}; skipping the early refresh: {}",
          cache, key, e.toString());
      stats.record(Type.FALLBACK, key, Duration.ZERO, e);
      return Optional.empty();
    } catch (RuntimeException | Error e) {
      breaker.abandoned();
      throw e;
    }
  }

  /** {@return false (counted as a fallback) if the breaker skips the lock store now} */
  private boolean permitted(String key) {
    if (breaker.allow()) {
      return true;
    }
    log.debug("Cache {}: lock breaker open; going on without the lock of {}", cache, key);
    stats.record(Type.FALLBACK, key, Duration.ZERO, breaker.skipped());
    return false;
  }

  private String lockName(String key) {
    String name = "baton:cache:" + cache + ":" + key;
    return name.length() <= MAX_NAME ? name : "baton:cache:" + cache + ":sha256:" + sha256(key);
  }

  private static String sha256(String key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
