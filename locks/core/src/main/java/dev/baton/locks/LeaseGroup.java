package dev.baton.locks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.baton.locks.spi.LockArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases on several names, taken together by {@link LockProvider#tryAcquireAll} and given back
 * together. The leases are listed in the order they were taken (natural order of the names).
 *
 * <p>Thread-safe.
 */
public final class LeaseGroup implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseGroup.class);

  private final List<Lease> leases;

  private LeaseGroup(List<Lease> leases) {
    this.leases = Collections.unmodifiableList(leases);
  }

  /**
   * Takes every name in natural order within one overall {@code maxWait}. A lease taken early
   * may run out (and be granted to another holder) while a later name is awaited, so once all
   * are held the earlier ones are extended to the full {@code leaseTime}; if one of them was
   * lost meanwhile, every lease is released and the whole set is tried again while time is
   * left. The group returned is valid, every member for about {@code leaseTime}.
   */
  static Optional<LeaseGroup> acquire(
      LockProvider provider, Collection<String> names, Duration leaseTime, Duration maxWait)
      throws InterruptedException {
    Objects.requireNonNull(names, "names");
    LockArguments.checkLeaseTime(leaseTime);
    LockArguments.checkMaxWait(maxWait);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("names must not be empty");
    }
    // One global order (String.compareTo is the same in every JVM) makes overlapping requests
    // deadlock-free: nobody ever waits for a smaller name while holding a larger one.
    TreeSet<String> ordered = new TreeSet<>();
    for (String name : names) {
      ordered.add(LockArguments.checkName(name));
    }
    long deadline = LockArguments.deadlineAfter(System.nanoTime(), maxWait);
    while (true) {
      Attempt attempt = takeAll(provider, ordered, leaseTime, deadline);
      if (attempt.leases() != null) {
        return Optional.of(new LeaseGroup(attempt.leases()));
      }
      if (attempt.lost() == null || deadline - System.nanoTime() <= 0) {
        return Optional.empty();
      }
      log.debug("Lease {} of the group {} was lost while later names were awaited; trying again",
          attempt.lost(), ordered);
    }
  }

  /** One pass: the leases, or the name whose lease was lost meanwhile, or neither (timed out). */
  private record Attempt(List<Lease> leases, String lost) {}

  /**
   * One pass over the names: the leases, all valid for the full lease time; none if a name
   * stayed taken until the deadline, or if an earlier lease was lost meanwhile (then its name).
   * Whatever does not end in a group is released.
   */
  private static Attempt takeAll(
      LockProvider provider, TreeSet<String> ordered, Duration leaseTime, long deadline)
      throws InterruptedException {
    List<Lease> taken = new ArrayList<>(ordered.size());
    boolean complete = false;
    try {
      for (String name : ordered) {
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        Optional<Lease> lease = provider.tryAcquire(name, leaseTime, left);
        if (lease.isEmpty()) {
          return new Attempt(null, null);
        }
        taken.add(lease.get());
      }
      for (int i = 0; i < taken.size() - 1; i++) {
        Lease earlier = taken.get(i);
        if (!earlier.extend(leaseTime)) {
          if (earlier.isValid()) {
            throw new LockUnavailableException("could not extend " + earlier.name()
                + " at " + earlier.store() + " after taking all of " + ordered);
          }
          return new Attempt(null, earlier.name());
        }
      }
      complete = true;
      return new Attempt(taken, null);
    } finally {
      if (!complete) {
        releaseInReverse(taken);
      }
    }
  }

  /**
   * The leases, one per distinct name, in the order they were taken.
   *
   * @return an unmodifiable list of the leases
   */
  public List<Lease> leases() {
    return leases;
  }

  /**
   * The lease of {@code name}.
   *
   * @param name one of the names of this group
   * @return the lease of that name
   * @throws IllegalArgumentException if the group holds no lease of {@code name}
   */
  public Lease lease(String name) {
    for (Lease lease : leases) {
      if (lease.name().equals(name)) {
        return lease;
      }
    }
    throw new IllegalArgumentException("no lease for name in this group: " + name);
  }

  /**
   * Whether every lease of the group is still valid: a local answer, as {@link Lease#isValid}.
   *
   * @return true while every lease of the group is valid
   */
  public boolean isValid() {
    for (Lease lease : leases) {
      if (!lease.isValid()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Renews every lease in the background, as {@link Lease#keepAlive}.
   *
   * @return this group
   */
  public LeaseGroup keepAlive() {
    leases.forEach(Lease::keepAlive);
    return this;
  }

  /**
   * Runs {@code action} once if any lease of the group is lost before it is released, on the
   * thread that notices the loss, as {@link Lease#onLost}.
   *
   * @param action what to run on the first loss; not null
   * @return this group
   */
  public LeaseGroup onLost(Runnable action) {
    Objects.requireNonNull(action, "action");
    AtomicBoolean ran = new AtomicBoolean();
    Runnable once = () -> {
      if (ran.compareAndSet(false, true)) {
        action.run();
      }
    };
    leases.forEach(lease -> lease.onLost(once));
    return this;
  }

  /**
   * Releases every lease, in the reverse of the order they were taken. Never throws for a store
   * outage.
   *
   * @return true if every lease was released by this call
   */
  public boolean release() {
    return releaseInReverse(leases);
  }

  @Override
  public void close() {
    release();
  }

  private static boolean releaseInReverse(List<Lease> leases) {
    boolean all = true;
    for (int i = leases.size() - 1; i >= 0; i--) {
      all &= leases.get(i).release();
    }
    return all;
  }

  @Override
  public String toString() {
    return "LeaseGroup" + leases;
  }
}
