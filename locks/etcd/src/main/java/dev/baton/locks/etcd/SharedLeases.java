package dev.baton.locks.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;

/**
 * The etcd leases a provider's kept-alive keys share, one per TTL (as Go's {@code
 * concurrency.Session} does): every key of a kept-alive Baton lease is moved onto the shared
 * etcd lease of its TTL at its first batched renewal, so a batch of renewals sends one
 * keep-alive per shared lease instead of one per key.
 *
 * <p>What sharing costs, and how it is kept safe:
 * <ul>
 *   <li>A shared lease that runs out (or is revoked) ends every key on it: each Baton lease on
 *       it is then told, at its next renewal, that etcd no longer holds its name (each runs its
 *       onLost), and the next move grants a fresh shared lease.
 *   <li>A key is only ever deleted one by one, owner-checked (its create revision); the shared
 *       lease itself is revoked only at close, after every lease was released.
 *   <li>A key whose delete may not have happened (the release met an outage, or the lease ran
 *       out locally while the shared lease lived on) would be kept alive with the others. So its
 *       shared lease is <em>retired</em>: no key moves onto it any more, the live keys on it
 *       move to a fresh one at their next renewal, and once none is renewed on it, it ends by
 *       itself within its TTL, taking the stray key with it. A stray key lives at most about a
 *       renewal period plus a TTL, as it would on a lease of its own.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class SharedLeases {
  /** TTL → the shared lease keys of that TTL move onto. */
  private final Map<Long, Long> current = new ConcurrentHashMap<>();
  /** Every shared lease granted and not known to be gone: revoked at close. */
  private final Set<Long> granted = ConcurrentHashMap.newKeySet();
  /** Shared leases no key may move onto, nor stay on. */
  private final Set<Long> retired = ConcurrentHashMap.newKeySet();
  /** One grant per TTL at a time. */
  private final ReentrantLock granting = new ReentrantLock();

  /**
   * The shared lease of {@code ttl}, granted with {@code grant} if there is none; call on a
   * store-call thread (the grant is a round trip).
   */
  long leaseFor(long ttl, LongUnaryOperator grant) {
    Long id = current.get(ttl);
    if (id != null) {
      return id;
    }
    granting.lock();
    try {
      id = current.get(ttl);
      if (id == null) {
        id = grant.applyAsLong(ttl);
        granted.add(id);
        current.put(ttl, id);
      }
      return id;
    } finally {
      granting.unlock();
    }
  }

  boolean isShared(long leaseId) {
    return granted.contains(leaseId);
  }

  /** Whether keys on {@code leaseId} must move to a fresh shared lease. */
  boolean isRetired(long leaseId) {
    return retired.contains(leaseId);
  }

  /**
   * A key on {@code leaseId} may be left without a holder: move the others off it and let it
   * end. Never blocks.
   */
  void retire(long leaseId) {
    if (granted.contains(leaseId)) {
      retired.add(leaseId);
      current.values().remove(leaseId);
    }
  }

  /** etcd no longer knows {@code leaseId} (it ran out or was revoked). */
  void gone(long leaseId) {
    current.values().remove(leaseId);
    granted.remove(leaseId);
    retired.remove(leaseId);
  }

  /** The shared leases to revoke at close. */
  List<Long> all() {
    return new ArrayList<>(granted);
  }
}
