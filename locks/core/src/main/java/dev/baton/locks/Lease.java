package dev.baton.locks;

import java.time.Duration;

/**
 * A time-limited grant of one name, as handed out by a {@link LockProvider}.
 *
 * <p>A lease is owned by whoever holds the object: any thread may extend or release it, and no
 * other lease can release its grant, not even a lease of the same name whose own time ran out.
 *
 * <p>A lease alone does not make a protected resource safe: a holder that pauses (GC, a
 * stopped VM) can outlive its lease while the next holder works. Pass {@link #fencingToken()}
 * to the resource and let it reject writes that carry an older token.
 *
 * <p>Implementations are thread-safe.
 */
public interface Lease extends AutoCloseable {

  /**
   * The name this lease holds.
   *
   * @return the lock name, as passed to the provider
   */
  String name();

  /**
   * The fencing token of this grant: strictly greater than every token issued before for this
   * name by the same store, across releases and expiries. Always positive. A
   * {@link FallbackLockProvider}'s leases carry its own tokens: strictly greater than every token
   * that provider handed out before for this name, whichever of its stores granted either.
   *
   * @return the fencing token, always positive
   */
  long fencingToken();

  /**
   * Which store granted this lease, e.g. {@code "local"} or {@code "redis"}; with a
   * {@link FallbackLockProvider} this tells a primary grant from a fallback one.
   *
   * @return the store name of the provider that granted this lease
   */
  String store();

  /**
   * A local answer, without a network call: true until the lease is released, lost, or its
   * time runs out. It turns false a little before the store lets the name go (a safety margin
   * for clock drift), never after: the deadline follows the last store operation that
   * succeeded, and while an extend is on its way it is the earlier of the old and the new one.
   * Once false, it never turns true again.
   *
   * @return true while the lease is held and its local deadline has not passed
   */
  boolean isValid();

  /**
   * A local estimate of the time left, without a network call.
   *
   * @return the time until the local deadline, {@link Duration#ZERO} once the lease is not valid
   */
  Duration remaining();

  /**
   * Asks the store to make the lease last {@code leaseTime} from now, if this lease still owns
   * the name there.
   *
   * <p>A lease whose deadline already passed is lost, not renewed: extend returns false, runs
   * the {@link #onLost} actions if that had not happened yet, and deletes the grant at the store
   * if it is still this lease's. A renewal the store confirms only after the deadline passed is
   * undone at the store in the same way. So "true" always means valid, and releasable.
   *
   * @param leaseTime the new lease time, counted from now; must be positive
   * @return true if extended; false if released, lost, or the store could not be reached (the
   *     lease then keeps its old deadline, or the new one if that is earlier, and is reported
   *     lost if it passes)
   * @throws IllegalArgumentException if {@code leaseTime} is not positive
   */
  boolean extend(Duration leaseTime);

  /**
   * Renews the lease in the background every third of its lease time until it is released or
   * lost. Renewal never outlives {@link #release()}. If renewals keep failing until the lease
   * runs out, the lease becomes invalid and its {@link #onLost} actions run.
   *
   * @return this lease
   */
  Lease keepAlive();

  /**
   * Registers an action to run once if the lease is lost before it is released: taken by
   * another holder, found gone at the store, or run out without being renewed. A lease whose
   * deadline passed before its release was lost, whoever notices first. The action runs on the
   * thread that notices the loss: a provider thread for renewals and expiry, the caller of
   * {@link #extend} or {@link #release}; if the lease is already lost, at once on the calling
   * thread. Actions
   * must not block for long; an exception they throw is logged.
   *
   * @param action what to run on loss; not null
   * @return this lease
   */
  Lease onLost(Runnable action);

  /**
   * Gives the name back, if this lease still owns it at the store. Idempotent, and never
   * throws for a store outage: it logs and returns false, and the grant then ends with its
   * lease time.
   *
   * <p>A lease whose deadline passed before this call (its holder was paused, say), or that the
   * store no longer holds for it, was lost: release then returns false and, unless that was
   * noticed before, runs the {@link #onLost} actions and reports {@code LOST}.
   *
   * @return true if this call released the grant; false if it was already released, lost or
   *     run out, or the store could not be reached
   */
  boolean release();

  /** Same as {@link #release()}. */
  @Override
  default void close() {
    release();
  }
}
