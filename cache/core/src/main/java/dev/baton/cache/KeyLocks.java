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
 * goes on without it. Thread-safe.
 */
final class KeyLocks {
  private static final Logger log = LoggerFactory.getLogger(KeyLocks.class);
  private static final int MAX_NAME = 1024;

  private final String cache;
  private final LockProvider locks;
  private final Duration lease;
  private final Duration maxWait;
  private final StatsRecorder stats;

  KeyLocks(String cache, LockProvider locks, Duration lease, Duration maxWait, StatsRecorder stats) {
    this.cache = cache;
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
    String name = lockName(key);
    try {
      Optional<Lease> lease = locks.tryAcquire(name, this.lease);
      if (lease.isEmpty()) {
        long start = System.nanoTime();
        lease = locks.tryAcquire(name, this.lease, maxWait);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        stats.record(Type.LOCK_WAIT, key, waited, null);
        if (lease.isEmpty()) {
          log.warn("Cache {}: lock of {} not had within {}; loading without it", cache, key,
              maxWait);
          stats.record(Type.LOCK_TIMEOUT, key, waited, null);
        }
      }
      return lease.map(Lease::keepAlive);
    } catch (LockException | IllegalStateException e) {
      log.warn("Cache {}: lock store failed for {}; loading without the lock: {}", cache, key,
          e.toString());
      stats.record(Type.FALLBACK, key, Duration.ZERO, e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoadException("interrupted while waiting for the lock of " + key
          + " in cache " + cache, e);
    }
  }

  /** One attempt, no waiting: for background refreshes, which skip a key someone else loads. */
  Optional<Lease> tryAcquireNow(String key) {
    try {
      return locks.tryAcquire(lockName(key), lease).map(Lease::keepAlive);
    } catch (LockException | IllegalStateException e) {
      log.warn("Cache {}: lock store failed for the refresh of {}; skipping the early refresh: {}",
          cache, key, e.toString());
      stats.record(Type.FALLBACK, key, Duration.ZERO, e);
      return Optional.empty();
    }
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
