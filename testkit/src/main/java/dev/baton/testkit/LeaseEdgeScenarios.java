package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.locks.LeaseGroup;
import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract scenarios at a lease's edges, part of {@link LockProviderContract} (which implements
 * this interface, so every backend runs them): the local deadline never outlives the store's
 * grant, a renewal that comes back after the deadline never leaves a lease that says "renewed"
 * but is lost, a lease lost before its release runs its onLost actions, a multi-name grant
 * contains only valid leases, and a lease left to run out is forgotten by its client.
 *
 * <p>Each scenario waits at most one short lease plus the store's expiry grace for real time to
 * pass (a client's own clock is moved with a {@link ControllableTicker} instead), so it stays
 * within a few seconds on every store. Not thread-safe (one test method at a time).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public interface LeaseEdgeScenarios {
  /** Long enough never to run out during a scenario. */
  Duration LONG = Duration.ofSeconds(60);

  /**
   * The clients, names and timing of the suite.
   *
   * @return the suite's clients; {@link LockProviderContract} supplies them
   */
  ContractClients contractClients();

  /**
   * An extend to a shorter lease time shortens the store's grant too: the next client gets the
   * name within the short lease plus the expiry grace, by then the first lease is no longer
   * valid, and it cannot extend the next holder's grant.
   *
   * @throws Exception if the scenario fails unexpectedly
   */
  @Test
  default void anExtendToAShorterTimeEndsTheGrantThenAndTheLeaseBeforeIt() throws Exception {
    ContractClients suite = contractClients();
    LockProvider holder = suite.client(Ticker.system());
    LockProvider next = suite.client(Ticker.system());
    String name = suite.name("shortened");
    Lease lease = holder.tryAcquire(name, LONG).orElseThrow();
    assertTrue(lease.extend(suite.shortLease()), "extend of a held lease to a shorter time");
    assertTrue(lease.remaining().compareTo(suite.shortLease()) <= 0,
        "after extend(" + suite.shortLease() + ") the lease says " + lease.remaining() + " left");
    Lease taken = next.tryAcquire(name, LONG, suite.expiryWait()).orElseThrow(() -> new AssertionError(
        "the store kept the name past the shortened lease of " + suite.shortLease()));
    assertFalse(lease.isValid(), "the lease was still valid when the store granted the name again");
    assertTrue(taken.fencingToken() > lease.fencingToken());
    assertFalse(lease.extend(LONG), "the shortened lease extended the next holder's grant");
    assertTrue(taken.release());
  }

  /**
   * The holder's clock jumps past the deadline while an extend is on its way: extend either
   * returns true with a valid, releasable lease and no onLost, or false with an invalid lease
   * whose onLost ran once; either way the name is free again within the expiry grace.
   *
   * @throws Exception if the scenario fails unexpectedly
   */
  @Test
  default void aRenewalThatComesBackAfterTheDeadlineNeverLeavesARenewedButLostLease() throws Exception {
    ContractClients suite = contractClients();
    ControllableTicker clock = new ControllableTicker();
    LockProvider holder = suite.client(clock);
    LockProvider next = suite.client(Ticker.system());
    String name = suite.name("late-renewal");
    Lease lease = holder.tryAcquire(name, LONG).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    lease.onLost(lostRuns::incrementAndGet);
    // The holder's clock passes the deadline while the renewal is on its way (right after the
    // extend first reads the time); the store's grant still has most of a minute.
    clock.jumpAfterNextRead(LONG.plusSeconds(1));
    boolean extended = lease.extend(LONG);
    if (extended) {
      assertTrue(lease.isValid(), "extend returned true, but the lease is not valid");
      assertEquals(0, lostRuns.get(), "extend returned true for a lease reported lost");
      assertTrue(lease.release(), "extend returned true, but the lease cannot be released");
    } else {
      assertFalse(lease.isValid(), "extend returned false for a valid lease");
      assertTrue(waitFor(() -> lostRuns.get() == 1, Duration.ofSeconds(2)),
          "extend returned false for a lost lease, but onLost ran " + lostRuns.get() + " times");
      assertFalse(lease.release(), "a lost lease was released");
    }
    Lease taken = next.tryAcquire(name, LONG, suite.expiryGrace().plusSeconds(1)).orElseThrow(
        () -> new AssertionError("the name stays taken for a lease nobody holds (extend returned "
            + extended + ")"));
    assertTrue(taken.release());
    assertTrue(lostRuns.get() <= 1, "onLost ran " + lostRuns.get() + " times");
  }

  /**
   * A holder whose clock is frozen outlives its short leases while another client takes the
   * names: its releases return false, never free the next holder's grants, and run each
   * lease's onLost exactly once (whether the store or the resumed clock tells it).
   *
   * @throws Exception if the scenario fails unexpectedly
   */
  @Test
  default void aHolderPausedPastItsLeaseRunsOnLostWhenItReleases() throws Exception {
    ContractClients suite = contractClients();
    ControllableTicker clock = new ControllableTicker();
    LockProvider paused = suite.client(clock);
    LockProvider next = suite.client(Ticker.system());
    String name = suite.name("paused-1");
    String otherName = suite.name("paused-2");
    // Paused from the grant on: however slow the grant, the holder's clock stands still.
    clock.freeze();
    Lease lease = paused.tryAcquire(name, suite.shortLease()).orElseThrow();
    Lease other = paused.tryAcquire(otherName, suite.shortLease()).orElseThrow();
    AtomicInteger lostRuns = new AtomicInteger();
    AtomicInteger otherLostRuns = new AtomicInteger();
    lease.onLost(lostRuns::incrementAndGet);
    other.onLost(otherLostRuns::incrementAndGet);
    Lease taken = next.tryAcquire(name, LONG, suite.expiryWait()).orElseThrow(
        () -> new AssertionError("the store did not free the name when the lease ran out"));
    Lease otherTaken = next.tryAcquire(otherName, LONG, suite.expiryWait()).orElseThrow();

    // Still paused, its own clock cannot tell, but the store says the grant is no longer its own.
    assertFalse(other.release(), "a paused holder freed the next holder's grant");
    assertTrue(waitFor(() -> otherLostRuns.get() == 1, Duration.ofSeconds(2)),
        "a release the store refused as not this lease's ran onLost " + otherLostRuns.get() + " times");
    clock.resume(); // the holder runs again, long past its deadline, and releases at once
    assertFalse(lease.release(), "release of a lease that ran out while its holder was paused");
    assertTrue(waitFor(() -> lostRuns.get() == 1, Duration.ofSeconds(2)),
        "a lease lost before its release ran onLost " + lostRuns.get() + " times");
    assertTrue(taken.isValid() && otherTaken.isValid());
    assertTrue(next.tryAcquire(name, LONG).isEmpty(), "the next holder's grant was freed");
    assertTrue(next.tryAcquire(otherName, LONG).isEmpty(), "the next holder's grant was freed");
    assertTrue(taken.release());
    assertTrue(otherTaken.release());
    Thread.sleep(100);
    assertEquals(1, lostRuns.get(), "onLost must run once");
    assertEquals(1, otherLostRuns.get(), "onLost must run once");
  }

  /**
   * While {@link LockProvider#tryAcquireAll} waits for its second name, its first lease runs out
   * and a rival takes it: a group that is returned anyway is valid in full, holds a newer token
   * than the rival's, and is held at the store; whatever the outcome, nothing stays held.
   *
   * @throws Exception if the scenario fails unexpectedly
   */
  @Test
  default void aMultiNameGrantNeverContainsALeaseLostWhileWaiting() throws Exception {
    ContractClients suite = contractClients();
    LockProvider group = suite.client(Ticker.system());
    LockProvider rival = suite.client(Ticker.system());
    LockProvider probe = suite.client(Ticker.system());
    String a = suite.name("group-a");
    String b = suite.name("group-b");
    Lease heldB = rival.tryAcquire(b, LONG).orElseThrow();
    CompletableFuture<Optional<LeaseGroup>> result = CompletableFuture.supplyAsync(() -> {
      try {
        return group.tryAcquireAll(List.of(a, b), suite.shortLease(), suite.expiryWait().plusSeconds(5));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    // Once the group holds a and waits for b, a runs out at the store and a rival takes it.
    assertTrue(waitFor(() -> {
      Optional<Lease> free = probe.tryAcquire(a, suite.shortLease());
      free.ifPresent(Lease::release);
      return free.isEmpty();
    }, Duration.ofSeconds(5)), "the group never took a");
    Lease heldA = rival.tryAcquire(a, LONG, suite.expiryWait()).orElseThrow(
        () -> new AssertionError("the store did not free a when the group's lease ran out"));
    assertTrue(heldB.release());
    Thread.sleep(200);
    assertTrue(heldA.release());
    Optional<LeaseGroup> got = result.get(suite.expiryWait().toSeconds() + 20, TimeUnit.SECONDS);
    if (got.isPresent()) {
      LeaseGroup leases = got.get();
      assertTrue(leases.isValid(), "a group with an invalid member was returned: " + leases);
      assertTrue(leases.lease(a).fencingToken() > heldA.fencingToken(),
          "the group's lease on a is older than the rival's: " + leases);
      for (Lease lease : leases.leases()) {
        assertTrue(lease.remaining().compareTo(suite.shortLease().dividedBy(2)) > 0,
            lease.name() + " has only " + lease.remaining() + " of " + suite.shortLease());
      }
      assertTrue(probe.tryAcquire(a, LONG).isEmpty(), "the group's a is not held at the store");
      assertTrue(probe.tryAcquire(b, LONG).isEmpty(), "the group's b is not held at the store");
      assertTrue(leases.release());
    }
    for (String n : List.of(a, b)) {
      Lease lease = probe.tryAcquire(n, LONG).orElseThrow(
          () -> new AssertionError("the group left " + n + " held"));
      lease.release();
    }
  }

  /**
   * Leases that are never released and run out (on the client's clock and at the store) are
   * dropped by their client, so they can be garbage-collected, and their names are free to
   * another client.
   *
   * @throws Exception if the scenario fails unexpectedly
   */
  @Test
  default void leasesLeftToRunOutAreForgottenByTheirClient() throws Exception {
    ContractClients suite = contractClients();
    ControllableTicker clock = new ControllableTicker();
    LockProvider client = suite.client(clock);
    LockProvider other = suite.client(Ticker.system());
    int count = 20;
    List<WeakReference<Lease>> leases = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      leases.add(new WeakReference<>(client.tryAcquire(suite.name("forget-" + i), suite.shortLease()).orElseThrow()));
    }
    clock.advance(suite.shortLease().plusSeconds(1)); // run out here...
    Thread.sleep(suite.shortLease().plus(suite.expiryGrace()).toMillis()); // ...and at the store
    client.tryAcquire(suite.name("one-more"), suite.shortLease()).orElseThrow().release();
    boolean forgotten = waitFor(() -> {
      System.gc();
      return leases.stream().allMatch(ref -> ref.get() == null);
    }, Duration.ofSeconds(10));
    long kept = leases.stream().filter(ref -> ref.get() != null).count();
    assertTrue(forgotten, kept + " of " + count + " leases that ran out are still in memory");
    for (int i = 0; i < count; i++) {
      Lease lease = other.tryAcquire(suite.name("forget-" + i), LONG).orElseThrow(
          () -> new AssertionError("a lease that ran out still holds its name"));
      lease.release();
    }
  }

  /** Polls {@code condition} every 20 ms until it holds or {@code limit} passed. */
  private static boolean waitFor(BooleanSupplier condition, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }
}
