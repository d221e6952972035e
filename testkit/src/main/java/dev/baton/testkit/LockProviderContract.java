package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.locks.Lease;
import dev.baton.locks.LeaseGroup;
import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link LockProvider} must show, as one abstract JUnit 5 suite. A backend's
 * test extends it and supplies {@link #newClient(Ticker)}: each call returns a new, independent
 * client of the one store under test (its own connections, as a second instance of a service
 * would have) whose local lease deadlines run on the given ticker. Timing that differs between stores (etcd grants whole seconds, say) is a
 * parameter, never a reason to skip a check.
 *
 * <pre>{@code
 * class RedisLockProviderContractTest extends LockProviderContract {
 *   protected LockProvider newClient(Ticker ticker) {
 *     return RedisLockProvider.builder(RedisServer.shared().uri()).ticker(ticker).build();
 *   }
 * }
 * }</pre>
 *
 * <p>Scenarios of their own file join the suite as interfaces it implements (e.g.
 * {@link LeaseEdgeScenarios}), through {@link #contractClients()}.
 *
 * <p>Every client the suite creates is closed after each test. Every wait is bounded; failures
 * report the numbers they saw. Not thread-safe (JUnit runs one test method at a time per
 * instance).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class LockProviderContract implements LeaseEdgeScenarios, NameMappingScenarios {
  private static final Duration LONG = Duration.ofSeconds(60);

  /** For a backend's test class; JUnit creates one instance per test method. */
  protected LockProviderContract() {}

  private final List<LockProvider> clients = new CopyOnWriteArrayList<>();
  private String prefix;

  /**
   * A new client of the store under test, independent of every other client, whose local lease
   * deadlines ({@link Lease#isValid()}, {@link Lease#remaining()}) run on {@code ticker}. The
   * store keeps its own time: the suite freezes a client's ticker to play a paused holder.
   *
   * @param ticker the clock of the client's local lease deadlines
   * @return a new provider; the suite closes the ones it gets through {@link #client(Ticker)}
   */
  protected abstract LockProvider newClient(Ticker ticker);

  /**
   * A new client on the system ticker, which the caller closes.
   *
   * @return a new provider from {@link #newClient(Ticker)}
   */
  protected final LockProvider newClient() {
    return newClient(Ticker.system());
  }

  /**
   * A lease the suite lets run out; long enough that renewal at a third of it is reliable.
   *
   * @return the short lease time; 1 second unless overridden
   */
  protected Duration shortLease() {
    return Duration.ofSeconds(1);
  }

  /**
   * How long after a lease's end the store may still hold the name (expiry granularity); the
   * suite waits at most this much extra for a name to become free.
   *
   * @return the store's expiry grace; 1 second unless overridden
   */
  protected Duration expiryGrace() {
    return Duration.ofSeconds(1);
  }

  /**
   * The median time from a release to the waiter's grant must stay below this.
   *
   * @return the wake-up bound; 200 ms unless overridden
   */
  protected Duration wakeUpBound() {
    return Duration.ofMillis(200);
  }

  /**
   * Rounds per thread in the contention test (8 threads on 2 clients).
   *
   * @return the number of rounds; 200 unless overridden
   */
  protected int contentionRounds() {
    return 200;
  }

  @BeforeEach
  final void namePrefix(TestInfo test) {
    prefix = getClass().getSimpleName() + "/" + test.getTestMethod().map(m -> m.getName()).orElse("?")
        + "/" + UUID.randomUUID() + "/";
  }

  @AfterEach
  final void closeClients() {
    for (LockProvider client : clients) {
      client.close();
    }
    clients.clear();
  }

  /**
   * A client on the system ticker that the suite closes after the test.
   *
   * @return a new provider from {@link #newClient(Ticker)}
   */
  protected final LockProvider client() {
    return client(Ticker.system());
  }

  /**
   * A client on {@code ticker} that the suite closes after the test.
   *
   * @param ticker the clock of the client's local lease deadlines
   * @return a new provider from {@link #newClient(Ticker)}
   */
  protected final LockProvider client(Ticker ticker) {
    LockProvider client = newClient(ticker);
    clients.add(client);
    return client;
  }

  /** {@link #client()}, for the {@link NameMappingScenarios}. */
  @Override
  public final LockProvider nameMappingClient() {
    return client();
  }

  /**
   * A lock name unique to this test run.
   *
   * @param suffix what tells this name from the test's other names
   * @return the suite's per-test prefix (class, method, random id) followed by {@code suffix}
   */
  protected final String name(String suffix) {
    return prefix + suffix;
  }

  /** This suite's clients, names and timing, for the scenario files it implements. */
  @Override
  public final ContractClients contractClients() {
    return new ContractClients() {
      @Override
      public LockProvider client(Ticker ticker) {
        return LockProviderContract.this.client(ticker);
      }

      @Override
      public String name(String suffix) {
        return LockProviderContract.this.name(suffix);
      }

      @Override
      public Duration shortLease() {
        return LockProviderContract.this.shortLease();
      }

      @Override
      public Duration expiryGrace() {
        return LockProviderContract.this.expiryGrace();
      }

      @Override
      public Duration expiryWait() {
        return LockProviderContract.this.expiryWait();
      }
    };
  }

  // ---------------------------------------------------------------- mutual exclusion & tokens

  @Test
  void neverTwoHoldersUnderContention() throws Exception {
    int clientCount = 2;
    int threadsPerClient = 4;
    int rounds = contentionRounds();
    String name = name("contended");
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger tokenRegressions = new AtomicInteger();
    AtomicInteger failedReleases = new AtomicInteger();
    AtomicInteger acquisitions = new AtomicInteger();
    AtomicLong lastToken = new AtomicLong();
    List<Callable<Void>> workers = new ArrayList<>();
    for (int c = 0; c < clientCount; c++) {
      LockProvider client = client();
      for (int t = 0; t < threadsPerClient; t++) {
        workers.add(() -> {
          for (int r = 0; r < rounds; r++) {
            Lease lease = client.tryAcquire(name, LONG, Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("no grant within 60 s under contention"));
            if (holders.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            long previous = lastToken.getAndSet(lease.fencingToken());
            if (lease.fencingToken() <= previous) {
              tokenRegressions.incrementAndGet();
            }
            acquisitions.incrementAndGet();
            Thread.yield();
            holders.decrementAndGet();
            if (!lease.release()) {
              failedReleases.incrementAndGet();
            }
          }
          return null;
        });
      }
    }
    long begin = System.nanoTime();
    runTogether(workers, Duration.ofSeconds(100));
    double seconds = (System.nanoTime() - begin) / 1e9;
    System.out.printf("[contract] %s: %d contended acquisitions by %d threads on %d clients in %.2f s%n",
        getClass().getSimpleName(), acquisitions.get(), workers.size(), clientCount, seconds);
    assertEquals(0, overlaps.get(),
        "two holders at once " + overlaps.get() + " times in " + acquisitions.get() + " grants");
    assertEquals(0, tokenRegressions.get(),
        "token not above the previous one " + tokenRegressions.get() + " times");
    assertEquals(0, failedReleases.get(), "release() returned false for a held lease");
    assertEquals(workers.size() * rounds, acquisitions.get());
  }

  @Test
  void tokensStrictlyIncreaseAcrossReleaseAndExpiry() throws Exception {
    LockProvider first = client();
    LockProvider second = client();
    String name = name("tokens");
    Lease a = first.tryAcquire(name, LONG).orElseThrow();
    assertTrue(a.fencingToken() > 0, "tokens are positive, got " + a.fencingToken());
    assertTrue(a.release());
    Lease b = second.tryAcquire(name, LONG).orElseThrow();
    assertTrue(b.fencingToken() > a.fencingToken(),
        "after release: " + b.fencingToken() + " must be > " + a.fencingToken());
    b.release();
    Lease c = first.tryAcquire(name, shortLease()).orElseThrow();
    assertTrue(c.fencingToken() > b.fencingToken(),
        "after release: " + c.fencingToken() + " must be > " + b.fencingToken());
    // c is not released: the next grant comes after its expiry.
    Lease d = second.tryAcquire(name, LONG, expiryWait()).orElseThrow(
        () -> new AssertionError("name not free after an unrenewed lease of " + shortLease()));
    assertTrue(d.fencingToken() > c.fencingToken(),
        "after expiry: " + d.fencingToken() + " must be > " + c.fencingToken());
    d.release();
    Lease other = first.tryAcquire(name("another-name"), LONG).orElseThrow();
    assertTrue(other.fencingToken() > 0);
    other.release();
  }

  // ---------------------------------------------------------------- expiry, extend, keepAlive

  @Test
  void unrenewedLeaseExpiresAndAnotherClientThenGetsTheName() throws Exception {
    LockProvider first = client();
    LockProvider second = client();
    String name = name("expires");
    long begin = System.nanoTime();
    Lease a = first.tryAcquire(name, shortLease()).orElseThrow();
    assertTrue(a.isValid());
    assertTrue(second.tryAcquire(name, LONG).isEmpty(), "a held name must not be granted");
    Lease b = second.tryAcquire(name, LONG, expiryWait()).orElseThrow(
        () -> new AssertionError("name not free within " + expiryWait() + " of an unrenewed lease"));
    long heldNanos = System.nanoTime() - begin;
    // The store may free the name late (expiry granularity), never early. 1% + 5 ms tolerate
    // millisecond rounding of the store's own clock.
    long lease = shortLease().toNanos();
    assertTrue(heldNanos >= lease - lease / 100 - TimeUnit.MILLISECONDS.toNanos(5),
        "name granted again after " + heldNanos / 1_000_000 + " ms, before the lease of "
            + shortLease().toMillis() + " ms ended");
    assertFalse(a.isValid(), "an expired lease must not be valid");
    assertEquals(Duration.ZERO, a.remaining());
    assertTrue(b.isValid());
    b.release();
  }

  @Test
  void validityIsLocalAndEndsBeforeTheStoreLetsGo() throws Exception {
    LockProvider client = client();
    Lease lease = client.tryAcquire(name("remaining"), shortLease()).orElseThrow();
    Duration remaining = lease.remaining();
    assertTrue(remaining.compareTo(shortLease()) < 0 && !remaining.isNegative() && !remaining.isZero(),
        "remaining " + remaining + " must be in (0, " + shortLease() + ")");
    assertEquals(name("remaining"), lease.name());
    assertFalse(lease.store().isBlank(), "store() names the store");
    long deadline = System.nanoTime() + shortLease().toNanos() + expiryGrace().toNanos();
    while (lease.isValid() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertFalse(lease.isValid(), "still valid " + expiryGrace() + " after its lease time");
  }

  @Test
  void extendKeepsTheName() throws Exception {
    LockProvider first = client();
    LockProvider second = client();
    String name = name("extend");
    long begin = System.nanoTime();
    Lease a = first.tryAcquire(name, shortLease()).orElseThrow();
    assertTrue(a.extend(shortLease().multipliedBy(4)), "extend of a held lease");
    sleepUntil(begin + shortLease().toNanos() + expiryGrace().toNanos());
    assertTrue(a.isValid(), "extended lease must still be valid after its first lease time");
    assertTrue(second.tryAcquire(name, LONG).isEmpty(), "extended lease lost its name");
    assertTrue(a.release());
    assertTrue(second.tryAcquire(name, LONG).isPresent(), "released name must be free at once");
    assertThrows(IllegalArgumentException.class, () -> a.extend(Duration.ZERO));
    assertFalse(a.extend(LONG), "extend after release must be false");
  }

  @Test
  void keepAliveKeepsTheNameAndStopsAtRelease() throws Exception {
    LockProvider first = client();
    LockProvider second = client();
    LockProvider third = client();
    String name = name("keepalive");
    Lease a = first.tryAcquire(name, shortLease()).orElseThrow().keepAlive();
    assertTrue(a.keepAlive() == a, "keepAlive returns the lease");
    Thread.sleep(shortLease().multipliedBy(3).plus(expiryGrace()).toMillis());
    assertTrue(a.isValid(), "kept-alive lease must stay valid");
    assertTrue(second.tryAcquire(name, LONG).isEmpty(), "kept-alive lease lost its name");
    assertTrue(a.release());
    Lease b = second.tryAcquire(name, LONG, Duration.ofSeconds(5)).orElseThrow(
        () -> new AssertionError("released name not granted"));
    Thread.sleep(shortLease().multipliedBy(2).toMillis());
    assertFalse(a.isValid());
    assertTrue(b.isValid());
    assertTrue(third.tryAcquire(name, LONG).isEmpty(), "renewal outlived release");
    assertTrue(b.release());
  }

  // ---------------------------------------------------------------- ownership

  @Test
  void onlyTheOwnerCanRelease() throws Exception {
    LockProvider first = client();
    LockProvider second = client();
    LockProvider third = client();
    String name = name("owner");
    Lease stale = first.tryAcquire(name, shortLease()).orElseThrow();
    Lease current = second.tryAcquire(name, LONG, expiryWait()).orElseThrow();
    assertFalse(stale.release(), "a run-out lease must not free the next holder's grant");
    assertFalse(stale.extend(LONG), "a run-out lease must not extend the next holder's grant");
    assertTrue(third.tryAcquire(name, LONG).isEmpty(), "the next holder's grant was freed");
    assertTrue(current.isValid());
    // Ownership is the lease, not the thread: another thread releases it.
    AtomicReference<Boolean> released = new AtomicReference<>();
    Thread other = new Thread(() -> released.set(current.release()));
    other.start();
    other.join(10_000);
    assertEquals(Boolean.TRUE, released.get(), "release from another thread");
    assertTrue(third.tryAcquire(name, LONG).isPresent());
  }

  @Test
  void aPausedHolderCannotFreeOrExtendTheNextHoldersGrant() throws Exception {
    // A holder whose process stood still (GC, SIGSTOP) still believes its lease is valid: its
    // clock is frozen here. The store must check ownership itself.
    long frozenAt = System.nanoTime();
    LockProvider paused = client(() -> frozenAt);
    LockProvider second = client();
    LockProvider third = client();
    String name = name("paused");
    Lease stale = paused.tryAcquire(name, shortLease()).orElseThrow();
    Lease current = second.tryAcquire(name, LONG, expiryWait()).orElseThrow(
        () -> new AssertionError("the store did not free the name when the lease ran out"));
    assertTrue(stale.isValid(), "the paused holder's own clock says its lease is valid");
    assertTrue(current.fencingToken() > stale.fencingToken(),
        current.fencingToken() + " must be > " + stale.fencingToken());
    assertFalse(stale.release(), "a paused holder freed the next holder's grant");
    assertTrue(third.tryAcquire(name, LONG).isEmpty(), "the next holder's grant was freed");
    Lease staleToo = paused.tryAcquire(name("paused-2"), shortLease()).orElseThrow();
    Lease currentToo = second.tryAcquire(name("paused-2"), LONG, expiryWait()).orElseThrow();
    assertFalse(staleToo.extend(LONG), "a paused holder extended the next holder's grant");
    assertFalse(staleToo.isValid(), "a failed extend marks the lease lost");
    assertTrue(third.tryAcquire(name("paused-2"), LONG).isEmpty(), "the next holder's grant was touched");
    assertTrue(current.release());
    assertTrue(currentToo.release());
  }

  @Test
  void releaseIsIdempotent() {
    LockProvider client = client();
    Lease lease = client.tryAcquire(name("idempotent"), LONG).orElseThrow();
    assertTrue(lease.release());
    assertFalse(lease.release());
    lease.close();
    assertFalse(lease.isValid());
    assertTrue(client.tryAcquire(name("idempotent"), LONG).isPresent());
  }

  // ---------------------------------------------------------------- waiting

  @Test
  void waiterWakesWithinMillisecondsOfRelease() throws Exception {
    LockProvider holderClient = client();
    LockProvider waiterClient = client();
    String name = name("wakeup");
    int rounds = 10;
    List<Long> latencies = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      for (int r = 0; r < rounds; r++) {
        Lease holder = holderClient.tryAcquire(name, LONG).orElseThrow();
        Future<Long> waiter = pool.submit(() -> {
          Lease lease = waiterClient.tryAcquire(name, LONG, Duration.ofSeconds(30)).orElseThrow();
          long grantedAt = System.nanoTime();
          lease.release();
          return grantedAt;
        });
        Thread.sleep(100); // let the waiter start waiting; if it is late, it finds the name free
        long releasedAt = System.nanoTime();
        assertTrue(holder.release());
        long grantedAt = waiter.get(40, TimeUnit.SECONDS);
        assertTrue(grantedAt > releasedAt, "the waiter was granted a held name");
        latencies.add(grantedAt - releasedAt);
      }
    } finally {
      pool.shutdownNow();
    }
    Collections.sort(latencies);
    long median = latencies.get(rounds / 2);
    System.out.printf("[contract] %s wake-up after release: median %.2f ms, min %.2f ms, max %.2f ms"
            + " over %d rounds%n", getClass().getSimpleName(), median / 1e6, latencies.get(0) / 1e6,
        latencies.get(rounds - 1) / 1e6, rounds);
    assertTrue(median < wakeUpBound().toNanos(), "median wake-up " + median / 1_000_000
        + " ms is not within " + wakeUpBound().toMillis() + " ms of the release: is it polling?");
  }

  @Test
  void waiterThatTimesOutOrIsInterruptedLeavesNothingBehind() throws Exception {
    LockProvider holderClient = client();
    LockProvider timedOut = client();
    LockProvider interrupted = client();
    LockProvider interruptedForever = client();
    String name = name("gave-up");
    Lease holder = holderClient.tryAcquire(name, LONG).orElseThrow();

    long begin = System.nanoTime();
    assertTrue(timedOut.tryAcquire(name, LONG, Duration.ofMillis(300)).isEmpty());
    long waitedMillis = (System.nanoTime() - begin) / 1_000_000;
    assertTrue(waitedMillis >= 290, "gave up after " + waitedMillis + " ms, asked to wait 300 ms");
    assertTrue(waitedMillis < 10_000, "waited " + waitedMillis + " ms, asked to wait 300 ms");

    assertInterruptible(() -> interrupted.tryAcquire(name, LONG, LONG));
    assertInterruptible(() -> interruptedForever.acquire(name, LONG));
    Thread.currentThread().interrupt();
    try {
      assertThrows(InterruptedException.class,
          () -> interrupted.tryAcquire(name, LONG, Duration.ofSeconds(1)),
          "a waiting call with the interrupt flag set must throw");
    } finally {
      Thread.interrupted();
    }

    assertTrue(holder.release());
    // Nothing of the three waiters may be granted now: a fresh client gets the name at once.
    Lease next = client().tryAcquire(name, LONG).orElseThrow(
        () -> new AssertionError("a waiter that gave up still queued for or took the name"));
    next.release();
    for (LockProvider quitter : List.of(timedOut, interrupted, interruptedForever)) {
      Lease lease = quitter.tryAcquire(name, LONG).orElseThrow(
          () -> new AssertionError("the name is held by something left behind"));
      lease.release();
    }
  }

  private void assertInterruptible(Callable<?> waitingCall) throws Exception {
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      started.countDown();
      try {
        waitingCall.call();
        outcome.set(new AssertionError("returned although the name stayed held"));
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    waiter.start();
    assertTrue(started.await(10, TimeUnit.SECONDS));
    Thread.sleep(200);
    waiter.interrupt();
    waiter.join(10_000);
    assertFalse(waiter.isAlive(), "an interrupted waiter is still waiting after 10 s");
    assertTrue(outcome.get() instanceof InterruptedException,
        "an interrupted waiter must throw InterruptedException, got " + outcome.get());
  }

  // ---------------------------------------------------------------- loss

  @Test
  void onLostRunsOnceWhenTheLeaseIsLost() throws Exception {
    LockProvider client = client();
    LockProvider other = client();
    String name = name("lost");
    AtomicInteger lostRuns = new AtomicInteger();
    CountDownLatch lost = new CountDownLatch(1);
    Lease lease = client.tryAcquire(name, shortLease()).orElseThrow();
    assertTrue(lease.onLost(() -> {
      lostRuns.incrementAndGet();
      lost.countDown();
    }) == lease, "onLost returns the lease");
    // Lost: not renewed, and another client takes the name.
    Lease next = other.tryAcquire(name, LONG, expiryWait()).orElseThrow();
    assertTrue(lost.await(expiryWait().toMillis(), TimeUnit.MILLISECONDS), "onLost did not run");
    assertFalse(lease.extend(LONG), "extend of a lost lease");
    assertFalse(lease.isValid());
    Thread.sleep(100);
    assertEquals(1, lostRuns.get(), "onLost must run exactly once");
    AtomicInteger late = new AtomicInteger();
    lease.onLost(late::incrementAndGet);
    assertEquals(1, late.get(), "an action added after the loss runs at once");
    next.release();

    AtomicInteger afterRelease = new AtomicInteger();
    Lease released = client.tryAcquire(name("released"), shortLease()).orElseThrow();
    released.onLost(afterRelease::incrementAndGet);
    assertTrue(released.release());
    Thread.sleep(shortLease().plus(expiryGrace()).toMillis());
    assertEquals(0, afterRelease.get(), "onLost must not run for a lease released in time");
  }

  // ---------------------------------------------------------------- close

  @Test
  void closeReleasesWhatTheProviderHolds() throws Exception {
    LockProvider closing = newClient(); // closed by the test itself
    LockProvider other = client();
    List<Lease> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(closing.tryAcquire(name("close-" + i), LONG).orElseThrow());
    }
    AtomicInteger lostRuns = new AtomicInteger();
    held.forEach(lease -> lease.onLost(lostRuns::incrementAndGet));
    LockProvider waiting = newClient();
    Lease blocker = other.tryAcquire(name("blocker"), LONG).orElseThrow();
    AtomicReference<Throwable> waiterOutcome = new AtomicReference<>();
    Thread waiter = new Thread(() -> {
      try {
        waiting.tryAcquire(name("blocker"), LONG, LONG);
        waiterOutcome.set(new AssertionError("granted a held name"));
      } catch (Throwable t) {
        waiterOutcome.set(t);
      }
    });
    waiter.start();
    Thread.sleep(200);

    closing.close();
    waiting.close();
    waiter.join(10_000);
    assertFalse(waiter.isAlive(), "a waiter still waits 10 s after its provider was closed");
    assertTrue(waiterOutcome.get() instanceof IllegalStateException,
        "a waiter of a closed provider must get IllegalStateException, got " + waiterOutcome.get());
    for (Lease lease : held) {
      assertFalse(lease.isValid(), "lease of a closed provider still valid: " + lease);
      assertTrue(other.tryAcquire(lease.name(), LONG).isPresent(),
          "close did not release " + lease.name());
      assertFalse(lease.release(), "release after close");
      lease.close();
    }
    assertEquals(0, lostRuns.get(), "leases released by close are not lost");
    closing.close(); // again: harmless
    assertThrows(IllegalStateException.class, () -> closing.tryAcquire(name("after"), LONG));
    blocker.release();
  }

  // ---------------------------------------------------------------- input

  @Test
  void rejectsBadNamesAndDurations() {
    LockProvider client = client();
    String tooLong = "x".repeat(1025);
    for (String bad : List.of("", "   ", "\t\n")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> client.tryAcquire(bad, LONG));
      assertTrue(e.getMessage().contains("\"" + bad + "\""), "message names the value: " + e.getMessage());
    }
    IllegalArgumentException longName = assertThrows(IllegalArgumentException.class,
        () -> client.tryAcquire(tooLong, LONG));
    assertTrue(longName.getMessage().contains("1025"), longName.getMessage());
    assertThrows(NullPointerException.class, () -> client.tryAcquire(null, LONG));
    assertThrows(NullPointerException.class, () -> client.tryAcquire(name("n"), null));
    assertThrows(NullPointerException.class, () -> client.tryAcquire(name("n"), LONG, null));
    for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> client.tryAcquire(name("n"), bad));
      assertTrue(e.getMessage().contains(bad.toString()), "message names the value: " + e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> client.tryAcquire(name("n"), bad, LONG));
      assertThrows(IllegalArgumentException.class, () -> client.acquire(name("n"), bad));
    }
    IllegalArgumentException negativeWait = assertThrows(IllegalArgumentException.class,
        () -> client.tryAcquire(name("n"), LONG, Duration.ofSeconds(-1)));
    assertTrue(negativeWait.getMessage().contains("PT-1S"), negativeWait.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> client.tryAcquireAll(List.of(name("a"), " "), LONG, LONG));
    // Nothing was left held by the rejected calls.
    Lease lease = client.tryAcquire(name("n"), LONG).orElseThrow();
    assertThrows(IllegalArgumentException.class, () -> lease.extend(Duration.ofSeconds(-5)));
    assertTrue(lease.isValid(), "a rejected extend must not touch the lease");
    lease.release();
  }

  @Test
  void namesAreFreeTextAndNeverCollide() {
    LockProvider first = client();
    LockProvider second = client();
    List<String> names = new ArrayList<>(List.of(
        "quote'", "double\"quote", "semi;colon", "'; DROP TABLE locks; --", "back\\slash",
        "{hash}tag", "{hash}tag2", "percent%_", "ünïcødé ✓ 漢字", "emoji 😀", "new\nline",
        "x".repeat(1024 - prefix.length()), "case", "CASE", "spaces  inside"));
    names.replaceAll(this::name);
    List<Lease> leases = new ArrayList<>();
    for (String n : names) {
      Lease lease = first.tryAcquire(n, LONG).orElseThrow(() -> new AssertionError("not granted: " + n));
      assertEquals(n, lease.name());
      leases.add(lease);
    }
    for (String n : names) {
      assertTrue(second.tryAcquire(n, LONG).isEmpty(), "granted twice: " + n);
    }
    for (Lease lease : leases) {
      assertTrue(lease.release(), "release of " + lease.name());
    }
    for (String n : names) {
      Lease lease = second.tryAcquire(n, LONG).orElseThrow(() -> new AssertionError("not freed: " + n));
      lease.release();
    }
  }

  // ---------------------------------------------------------------- several names

  @Test
  void multiNameAcquisitionIsAllOrNothingAndNeverDeadlocks() throws Exception {
    LockProvider first = client();
    LockProvider second = client();
    List<String> names = List.of(name("e"), name("a"), name("d"), name("b"), name("c"));
    Lease blocker = second.tryAcquire(name("c"), LONG).orElseThrow();
    assertTrue(first.tryAcquireAll(names, LONG, Duration.ofMillis(300)).isEmpty(),
        "a group with a taken name must not be granted");
    for (String n : List.of(name("a"), name("b"))) {
      Lease lease = second.tryAcquire(n, LONG).orElseThrow(
          () -> new AssertionError("a failed group left " + n + " held"));
      lease.release();
    }
    blocker.release();

    AtomicReferenceArray<Object> holders = new AtomicReferenceArray<>(names.size());
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger groups = new AtomicInteger();
    List<Callable<Void>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      LockProvider client = t % 2 == 0 ? first : second;
      long seed = t;
      workers.add(() -> {
        Random random = new Random(seed);
        for (int r = 0; r < 30; r++) {
          List<Integer> picked = new ArrayList<>();
          for (int i = 0; i < names.size(); i++) {
            if (random.nextInt(3) > 0) {
              picked.add(i);
            }
          }
          if (picked.isEmpty()) {
            picked.add(random.nextInt(names.size()));
          }
          Collections.shuffle(picked, random); // callers ask in any order
          List<String> wanted = picked.stream().map(names::get).toList();
          LeaseGroup group = client.tryAcquireAll(wanted, LONG, Duration.ofSeconds(60))
              .orElseThrow(() -> new AssertionError("group not granted within 60 s: deadlock?"));
          Object me = new Object();
          for (int i : picked) {
            if (!holders.compareAndSet(i, null, me)) {
              overlaps.incrementAndGet();
            }
          }
          assertEquals(picked.size(), group.leases().size());
          assertTrue(group.isValid());
          Thread.yield();
          for (int i : picked) {
            holders.compareAndSet(i, me, null);
          }
          assertTrue(group.release(), "group release");
          groups.incrementAndGet();
        }
        return null;
      });
    }
    runTogether(workers, Duration.ofSeconds(100));
    assertEquals(0, overlaps.get(), "a name held by two groups " + overlaps.get() + " times");
    assertEquals(8 * 30, groups.get());
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Waiting budget for a name to be freed by an unrenewed short lease.
   *
   * @return {@link #shortLease()} plus {@link #expiryGrace()} plus 5 seconds
   */
  protected final Duration expiryWait() {
    return shortLease().plus(expiryGrace()).plusSeconds(5);
  }

  /**
   * Starts every task at once on its own thread and waits for all of them, at most
   * {@code limit}; the first failure fails the test.
   *
   * @param tasks the tasks, each on a thread of its own
   * @param limit how long to wait for all of them together
   * @throws Exception the first task's exception, as an {@link ExecutionException}; an
   *     {@link Error} (such as an assertion failure) is rethrown as is, and a time-out fails the
   *     test
   */
  protected static void runTogether(List<Callable<Void>> tasks, Duration limit) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> task : tasks) {
        futures.add(pool.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      long deadline = System.nanoTime() + limit.toNanos();
      for (Future<Void> future : futures) {
        try {
          future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw e;
        } catch (TimeoutException e) {
          fail("workers did not finish within " + limit);
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
