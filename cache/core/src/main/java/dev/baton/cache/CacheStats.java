package dev.baton.cache;

/**
 * Counters of a {@link StampedeCache} since it was built. A snapshot: immutable and
 * thread-safe; each counter is read on its own, so a snapshot taken during activity need not
 * add up exactly.
 *
 * @param localHits requests answered from the local tier
 * @param storeHits store reads that found a fresh entry (one per coalesced group)
 * @param misses requests that found nothing fresh in the local tier
 * @param loads loader calls that returned (a value or an absence)
 * @param loadFailures loader calls that threw or timed out
 * @param lockWaits loads that found the key's lock held and waited for it
 * @param lockTimeouts lock waits that ran out; the load went on without the lock
 * @param unlockedLoads loads that went ahead without the lock (lock timeout or lock-store outage)
 * @param fallbacks store or lock-store failures the cache carried on through
 * @param staleServed requests answered with a stale value because the loader failed (at the
 *     failure, and from the local tier until the loader is tried again)
 * @param earlyRefreshes background refreshes started before expiry (XFetch)
 * @param breakerOpenings times a tier's circuit breaker opened (store and locks together)
 * @param localSize entries in the local tier now (Caffeine's estimate, after pending
 *     maintenance); expired entries count until overwritten or evicted
 * @param localWeight the local tier's total weight now, with
 *     {@link StampedeCache.Builder#localMaximumWeight}; else 0
 * @param localEvictions entries the local tier evicted to stay within its size or weight bound
 */
public record CacheStats(
    long localHits,
    long storeHits,
    long misses,
    long loads,
    long loadFailures,
    long lockWaits,
    long lockTimeouts,
    long unlockedLoads,
    long fallbacks,
    long staleServed,
    long earlyRefreshes,
    long breakerOpenings,
    long localSize,
    long localWeight,
    long localEvictions) {}
