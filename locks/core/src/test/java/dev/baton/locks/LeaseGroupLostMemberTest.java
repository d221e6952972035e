package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 4 of issue 14: while tryAcquireAll waits for a later name, a lease it took earlier can
 * run out and go to someone else. Time is a manual ticker shared by the store and the
 * providers, so the earlier lease runs out exactly while the group waits.
 */
@Timeout(30)
class LeaseGroupLostMemberTest {
  private static final Duration LEASE = Duration.ofSeconds(10);
  private final ManualTicker ticker = new ManualTicker();
  private final LocalLockStore store = LocalLockStore.create(ticker);
  private final LocalLockProvider group = LocalLockProvider.builder().store(store).build();
  private final LocalLockProvider rival = LocalLockProvider.builder().store(store).build();

  @AfterEach
  void close() {
    group.close();
    rival.close();
  }

  /** Starts tryAcquireAll(a, b) while the rival holds b, and returns once it waits for b. */
  private CompletableFuture<Optional<LeaseGroup>> groupWaitingForB(Duration maxWait) throws Exception {
    CompletableFuture<Optional<LeaseGroup>> result = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        result.complete(group.tryAcquireAll(List.of("a", "b"), LEASE, maxWait));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    caller.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (caller.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(Thread.State.TIMED_WAITING, caller.getState(), "the group does not wait for b");
    assertTrue(rival.tryAcquire("a", LEASE).isEmpty(), "the group holds a while it waits for b");
    return result;
  }

  @Test
  void aMemberLostWhileWaitingIsNeverReturned() throws Exception {
    Lease b = rival.tryAcquire("b", Duration.ofSeconds(60)).orElseThrow();
    CompletableFuture<Optional<LeaseGroup>> result = groupWaitingForB(Duration.ofSeconds(2));
    ticker.advance(LEASE.plusSeconds(1)); // the group's lease on a ran out
    Lease a = rival.tryAcquire("a", Duration.ofSeconds(60)).orElseThrow();
    assertTrue(b.release());
    Optional<LeaseGroup> got = result.get(20, TimeUnit.SECONDS);
    assertTrue(got.isEmpty(), "a group with a member held by a rival was returned: " + got);
    assertTrue(a.isValid());
    assertTrue(rival.tryAcquire("b", LEASE).isPresent(), "the failed group left b held");
    assertTrue(a.release(), "the rival's grant of a was touched");
  }

  @Test
  void aLostMemberIsTakenAgainWhileTimeIsLeft() throws Exception {
    Lease b = rival.tryAcquire("b", Duration.ofSeconds(60)).orElseThrow();
    CompletableFuture<Optional<LeaseGroup>> result = groupWaitingForB(Duration.ofSeconds(10));
    ticker.advance(LEASE.plusSeconds(1));
    Lease a = rival.tryAcquire("a", Duration.ofSeconds(60)).orElseThrow();
    assertTrue(b.release());
    Thread.sleep(100);
    assertTrue(a.release());
    LeaseGroup got = result.get(20, TimeUnit.SECONDS).orElseThrow(
        () -> new AssertionError("the group was not taken again once a was free"));
    assertTrue(got.isValid(), "every member of a returned group is valid: " + got);
    assertTrue(got.lease("a").fencingToken() > a.fencingToken(),
        "the group's a is older than the rival's: " + got);
    assertTrue(rival.tryAcquire("a", LEASE).isEmpty());
    assertTrue(got.release());
  }

  @Test
  void earlierMembersAreExtendedToTheFullLeaseTime() throws Exception {
    Lease b = rival.tryAcquire("b", Duration.ofSeconds(60)).orElseThrow();
    CompletableFuture<Optional<LeaseGroup>> result = groupWaitingForB(Duration.ofSeconds(10));
    ticker.advance(Duration.ofSeconds(7)); // a has 3 s left
    assertTrue(b.release());
    LeaseGroup got = result.get(20, TimeUnit.SECONDS).orElseThrow();
    for (Lease lease : got.leases()) {
      assertTrue(lease.remaining().compareTo(Duration.ofSeconds(9)) > 0,
          lease.name() + " has " + lease.remaining() + " of a 10 s group lease");
    }
    ticker.advance(Duration.ofSeconds(5));
    assertTrue(got.isValid());
    assertTrue(rival.tryAcquire("a", LEASE).isEmpty(), "the store let a go with its first lease time");
    assertTrue(got.release());
    assertFalse(got.isValid());
  }
}
