package dev.baton.locks;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Grants named, time-limited leases from one lock store (Redis, etcd, a database, this JVM).
 *
 * <p>A provider is a client of its store: several providers, in one JVM or in many, that talk
 * to the same store exclude each other by name. Ownership belongs to the {@link Lease}, not to
 * the thread that acquired it.
 *
 * <pre>{@code
 * try (LockProvider locks = LocalLockProvider.create()) {
 *   Optional<Lease> lease = locks.tryAcquire("daily-report:2026-11-24", Duration.ofMinutes(5));
 *   if (lease.isPresent()) {
 *     try (Lease held = lease.get().keepAlive()) {
 *       runReport(held.fencingToken());
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p><b>Arguments.</b> A name is free text of 1 to 1024 characters that is not blank; a lease
 * time is positive; a maximum wait is zero or positive. Anything else throws
 * {@link IllegalArgumentException} (or {@link NullPointerException} for {@code null}) naming
 * the value. <b>Errors.</b> {@link LockUnavailableException} when the store cannot be reached
 * during acquisition; {@link InterruptedException} only from the waiting methods.
 *
 * <p>Implementations are thread-safe.
 */
public interface LockProvider extends AutoCloseable {

  /**
   * Makes one attempt to acquire {@code name} for {@code leaseTime}, without waiting.
   *
   * @param name the lock name: 1 to 1024 characters, not blank
   * @param leaseTime how long the lease lasts unless extended or released; positive
   * @return the lease, or empty if another holder has the name
   * @throws LockUnavailableException if the store cannot be reached
   */
  Optional<Lease> tryAcquire(String name, Duration leaseTime);

  /**
   * Acquires {@code name} for {@code leaseTime}, waiting up to {@code maxWait} for the current
   * holder to release it or for its lease to run out. A waiter that gives up (time-out or
   * interrupt) leaves nothing behind that could be granted to it later.
   *
   * @param name the lock name: 1 to 1024 characters, not blank
   * @param leaseTime how long the lease lasts once granted, unless extended or released; positive
   * @param maxWait how long to wait; {@link Duration#ZERO} makes a single attempt
   * @return the lease, or empty if the name did not become free within {@code maxWait}
   * @throws InterruptedException if the calling thread is interrupted while waiting
   * @throws LockUnavailableException if the store cannot be reached
   */
  Optional<Lease> tryAcquire(String name, Duration leaseTime, Duration maxWait)
      throws InterruptedException;

  /**
   * Acquires {@code name} for {@code leaseTime}, waiting as long as it takes.
   *
   * @param name the lock name: 1 to 1024 characters, not blank
   * @param leaseTime how long the lease lasts once granted, unless extended or released; positive
   * @return the lease, never null
   * @throws InterruptedException if the calling thread is interrupted while waiting
   * @throws LockUnavailableException if the store cannot be reached
   */
  Lease acquire(String name, Duration leaseTime) throws InterruptedException;

  /**
   * Acquires every name in {@code names} or none of them, waiting up to {@code maxWait} in
   * total. Names are taken one by one in their natural ({@link String#compareTo}) order, the
   * same order in every JVM, so two callers asking for overlapping sets can never deadlock;
   * if one name cannot be had in time, those already taken are released again. Once all are
   * held, the earlier leases are extended to the full {@code leaseTime}; if one of them was lost
   * while a later name was awaited (it ran out and went to another holder), all are released
   * and the set is tried again while {@code maxWait} lasts. A returned group is valid in full.
   *
   * @param names one or more names; duplicates are taken once
   * @param leaseTime how long each lease lasts once all are held; positive
   * @param maxWait how long to wait in total, zero or positive
   * @return a group holding one lease per distinct name, or empty if some name stayed taken
   * @throws InterruptedException if interrupted while waiting (nothing is left held)
   * @throws LockUnavailableException if the store cannot be reached, also while extending the
   *     earlier leases (nothing is left held)
   */
  default Optional<LeaseGroup> tryAcquireAll(
      Collection<String> names, Duration leaseTime, Duration maxWait) throws InterruptedException {
    return LeaseGroup.acquire(this, names, leaseTime, maxWait);
  }

  /**
   * Releases every lease this provider still holds and frees its resources. Leases released
   * this way in time do not run their {@link Lease#onLost} actions; leases that had already run
   * out are forgotten without a store call. Never throws for a store outage.
   * Calling it again does nothing.
   */
  @Override
  void close();
}
