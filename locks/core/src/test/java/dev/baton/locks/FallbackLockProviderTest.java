package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fallback provider's own guarantees, forced deterministically: a primary built on the SPI
 * that fails on demand (and can hold a grant on its way back), an outage timed on a manual
 * ticker, and the probe run by the test.
 */
@Timeout(60)
class FallbackLockProviderTest {
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration SWITCH_AFTER = Duration.ofSeconds(5);

  private final ManualTicker outageClock = new ManualTicker();
  /** Stores on a clock standing at the epoch count tokens from 1: two independent counters, so a
   *  test can put one far ahead of the other (clock-seeded stores would start side by side). */
  private static final Clock EPOCH = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  private final FlakyProvider primary =
      new FlakyProvider(LocalLockStore.create(Ticker.system(), EPOCH), "primary");
  private final FlakyProvider fallback =
      new FlakyProvider(LocalLockStore.create(Ticker.system(), EPOCH), "fallback");
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private FallbackLockProvider locks = build(primary, fallback, SWITCH_AFTER);

  private FallbackLockProvider build(FlakyProvider primary, FlakyProvider fallback, Duration switchAfter) {
    return FallbackLockProvider.builder(primary, fallback)
        .switchAfter(switchAfter)
        .probeInterval(Duration.ofHours(1)) // the test runs the probe itself
        .ticker(outageClock)
        .build();
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    locks.close();
  }

  /** Takes the primary down and lets the outage last long enough to switch. */
  private void switchToFallback() {
    primary.down = true;
    assertThrows(LockUnavailableException.class, () -> locks.tryAcquire("other", LEASE));
    outageClock.advance(SWITCH_AFTER);
    locks.probe();
    assertTrue(locks.isOnFallback(), "a probe after a sustained outage switches");
  }

  private void switchBack() {
    primary.down = false;
    locks.probe();
    assertFalse(locks.isOnFallback(), "a probe that gets an answer switches back");
  }

  /** Waits until a caller waits in the provider for a name it holds (not at a store). */
  private void awaitLocalWaiter() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (locks.localWaiters() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, locks.localWaiters(), "the waiter does not wait for the provider's own holder");
  }

  @Test
  void oneFailureDoesNotSwitchASustainedOutageDoes() throws Exception {
    primary.down = true;
    assertThrows(LockUnavailableException.class, () -> locks.tryAcquire("a", LEASE));
    assertFalse(locks.isOnFallback(), "one failure is not an outage");
    outageClock.advance(SWITCH_AFTER.minusMillis(1));
    assertThrows(LockUnavailableException.class, () -> locks.tryAcquire("a", LEASE, Duration.ZERO));
    assertFalse(locks.isOnFallback(), "failing for less than switchAfter does not switch");

    primary.down = false;
    locks.tryAcquire("a", LEASE).orElseThrow().release(); // an answer ends the outage
    primary.down = true;
    outageClock.advance(Duration.ofMinutes(1));
    assertThrows(LockUnavailableException.class, () -> locks.tryAcquire("a", LEASE),
        "an answer in between starts the outage again: this is its first failure");
    assertFalse(locks.isOnFallback());

    outageClock.advance(SWITCH_AFTER);
    Lease lease = locks.tryAcquire("a", LEASE).orElseThrow();
    assertEquals("fallback", lease.store(), "failing for switchAfter switches, and serves the call");
    assertTrue(locks.isOnFallback());
    assertEquals(1, locks.switchesToFallback());
  }

  @Test
  void theProbeSwitchesOnASustainedOutageAndBackOnAnAnswer() {
    primary.down = true;
    assertThrows(LockUnavailableException.class, () -> locks.tryAcquire("a", LEASE));
    locks.probe();
    assertFalse(locks.isOnFallback(), "the probe fails too, but the outage is not long yet");
    outageClock.advance(SWITCH_AFTER);
    locks.probe();
    assertTrue(locks.isOnFallback());
    switchBack();
    assertEquals(1, locks.switchesToPrimary());
  }

  @Test
  void aPrimaryLeaseKeepsTheNameFromTheFallback() throws Exception {
    Lease onPrimary = locks.tryAcquire("job", LEASE).orElseThrow();
    switchToFallback();

    assertTrue(locks.tryAcquire("job", LEASE).isEmpty(),
        "the fallback granted a name this provider holds through the primary");
    assertTrue(locks.tryAcquire("job", LEASE, Duration.ofMillis(50)).isEmpty());
    Future<Optional<Lease>> waiter =
        threads.submit(() -> locks.tryAcquire("job", LEASE, Duration.ofSeconds(30)));
    awaitLocalWaiter();

    onPrimary.release(); // the primary is down: the store keeps it, but its holder let go
    Lease onFallback = waiter.get(20, TimeUnit.SECONDS).orElseThrow();
    assertEquals("fallback", onFallback.store());
    assertTrue(onFallback.fencingToken() > onPrimary.fencingToken(),
        "fallback token " + onFallback.fencingToken() + " after primary token "
            + onPrimary.fencingToken());
  }

  @Test
  void aFallbackLeaseKeepsTheNameFromThePrimaryAfterSwitchingBack() {
    switchToFallback();
    Lease onFallback = locks.tryAcquire("job", LEASE).orElseThrow();
    assertEquals("fallback", onFallback.store());
    switchBack();

    assertTrue(locks.tryAcquire("job", LEASE).isEmpty(),
        "the primary granted a name this provider holds through the fallback");
    assertTrue(onFallback.isValid());
    assertTrue(onFallback.release());
    Lease onPrimary = locks.tryAcquire("job", LEASE).orElseThrow();
    assertEquals("primary", onPrimary.store());
    assertTrue(onPrimary.fencingToken() > onFallback.fencingToken(),
        "primary token " + onPrimary.fencingToken() + " after fallback token "
            + onFallback.fencingToken());
  }

  @Test
  void tokensOfOneNameStrictlyIncreaseAcrossSwitchesBothWays() {
    for (int i = 0; i < 50; i++) { // the primary's counter is far ahead of the fallback's
      locks.tryAcquire("warm-up-" + i, LEASE).orElseThrow().release();
    }
    List<Long> tokens = new ArrayList<>();
    List<String> stores = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 3; i++) {
        Lease lease = locks.tryAcquire("job", LEASE).orElseThrow();
        tokens.add(lease.fencingToken());
        stores.add(lease.store());
        assertTrue(lease.release());
      }
      if (round % 2 == 0) {
        switchToFallback();
      } else {
        switchBack();
      }
    }
    assertEquals(51, tokens.get(0), "before any switch the tokens are the primary's own");
    for (int i = 1; i < tokens.size(); i++) {
      assertTrue(tokens.get(i) > tokens.get(i - 1),
          "token " + tokens.get(i) + " (" + stores.get(i) + ") after " + tokens.get(i - 1)
              + " (" + stores.get(i - 1) + "): " + tokens + " " + stores);
    }
    assertEquals(List.of("primary", "fallback", "primary", "fallback"),
        List.of(stores.get(0), stores.get(3), stores.get(6), stores.get(9)));
  }

  @Test
  void clockSeededStoresSwitchManyTimesWithoutTheTokensRunningAway() {
    // Both stores seed their counters from the wall clock (about 1.8e15 µs): an offset that grew
    // by the whole token at each switch would double the tokens and overflow within ~12 switches.
    locks.close();
    FlakyProvider clockPrimary = new FlakyProvider(LocalLockStore.create(), "primary");
    locks = build(clockPrimary, new FlakyProvider(LocalLockStore.create(), "fallback"), SWITCH_AFTER);
    long first = 0;
    long last = 0;
    for (int round = 0; round < 100; round++) {
      for (int i = 0; i < 2; i++) {
        Lease lease = locks.tryAcquire("job", LEASE).orElseThrow();
        assertTrue(lease.fencingToken() > last,
            "round " + round + ": token " + lease.fencingToken() + " after " + last);
        last = lease.fencingToken();
        first = first == 0 ? last : first;
        assertTrue(lease.release());
      }
      clockPrimary.down = round % 2 == 0;
      if (clockPrimary.down) {
        assertThrows(LockUnavailableException.class, () -> locks.tryAcquire("other", LEASE));
        outageClock.advance(SWITCH_AFTER);
      }
      locks.probe();
      assertEquals(clockPrimary.down, locks.isOnFallback(), "round " + round);
    }
    assertTrue(last - first < first, "100 switches took the tokens from " + first + " to " + last);
  }

  @Test
  void aGrantOnItsWayWhileTheOtherStoreTookTheNameIsGivenBack() throws Exception {
    locks.close();
    FlakyProvider primary = new FlakyProvider(LocalLockStore.create(), "primary");
    locks = build(primary, new FlakyProvider(LocalLockStore.create(), "fallback"), Duration.ZERO);
    CountDownLatch made = new CountDownLatch(1);
    CountDownLatch hold = new CountDownLatch(1);
    primary.grantMade = made;
    primary.holdGrants = hold;
    Future<Optional<Lease>> late = threads.submit(() -> locks.tryAcquire("job", LEASE));
    assertTrue(made.await(10, TimeUnit.SECONDS), "the primary's grant was not made");
    primary.holdGrants = null;

    primary.down = true; // the primary fails for everyone else: switchAfter zero switches at once
    Lease onFallback = locks.tryAcquire("job", LEASE).orElseThrow();
    assertEquals("fallback", onFallback.store());
    primary.down = false;
    hold.countDown(); // the primary's grant arrives now

    assertTrue(late.get(10, TimeUnit.SECONDS).isEmpty(),
        "a primary grant arrived while the fallback held the name, and was handed out too");
    assertTrue(onFallback.isValid());
    Lease direct = primary.tryAcquire("job", LEASE).orElseThrow(
        () -> new AssertionError("the primary grant that lost the race was not given back"));
    direct.release();
  }

  @Test
  void namesAreForgottenWhenReleasedOrRunOut() throws Exception {
    for (int i = 0; i < 1000; i++) {
      Lease lease = locks.tryAcquire("name-" + i, Duration.ofMillis(200)).orElseThrow();
      if (i % 2 == 0) {
        lease.release();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (locks.heldNames() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, locks.heldNames(), "names neither held nor waited for still take memory");
  }

  @Test
  void closeWakesALocalWaiter() throws Exception {
    locks.tryAcquire("job", LEASE).orElseThrow();
    switchToFallback();
    Future<Optional<Lease>> waiter =
        threads.submit(() -> locks.tryAcquire("job", LEASE, Duration.ofSeconds(30)));
    awaitLocalWaiter();
    locks.close();
    ExecutionException thrown =
        assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
    assertTrue(thrown.getCause() instanceof IllegalStateException, thrown.toString());
  }

  /** A second line behind the forced races: holders and switches interleave at random. */
  @Test
  void stressOneHolderAndRisingTokensWhileTheStoresFlap() throws Exception {
    locks.close();
    FlakyProvider primary = new FlakyProvider(LocalLockStore.create(), "primary");
    FallbackLockProvider flapping =
        build(primary, new FlakyProvider(LocalLockStore.create(), "fallback"), Duration.ZERO);
    locks = flapping;
    java.util.concurrent.atomic.AtomicInteger occupancy = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger maxOccupancy = new java.util.concurrent.atomic.AtomicInteger();
    List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Future<?> flapper = threads.submit(() -> {
      java.util.Random random = new java.util.Random(42);
      while (!stop.get()) {
        primary.down = random.nextBoolean();
        flapping.probe();
        Thread.sleep(random.nextInt(3));
      }
      return null;
    });
    List<Future<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      workers.add(threads.submit(() -> {
        int grants = 0;
        for (int round = 0; round < 300; round++) {
          Optional<Lease> lease;
          try {
            lease = flapping.tryAcquire("job", Duration.ofMillis(300), Duration.ofMillis(50));
          } catch (LockUnavailableException primaryDownNotYetSwitched) {
            continue;
          }
          if (lease.isEmpty()) {
            continue;
          }
          grants++;
          maxOccupancy.accumulateAndGet(occupancy.incrementAndGet(), Math::max);
          tokens.add(lease.get().fencingToken());
          occupancy.decrementAndGet();
          lease.get().release();
        }
        return grants;
      }));
    }
    int grants = 0;
    for (Future<Integer> worker : workers) {
      grants += worker.get(50, TimeUnit.SECONDS);
    }
    stop.set(true);
    flapper.get(10, TimeUnit.SECONDS);
    assertTrue(grants > 0);
    assertEquals(1, maxOccupancy.get(), "two holders at once in one provider, " + grants + " grants");
    for (int i = 1; i < tokens.size(); i++) {
      assertTrue(tokens.get(i) > tokens.get(i - 1), "token " + tokens.get(i) + " after "
          + tokens.get(i - 1) + " at grant " + i + " of " + tokens.size());
    }
    assertTrue(flapping.switchesToFallback() > 0 && flapping.switchesToPrimary() > 0,
        "the stores did not flap: " + flapping.switchesToFallback() + " switches");
  }

  @Test
  void rejectsABadSwitchAfter() {
    FallbackLockProvider.Builder builder = FallbackLockProvider.builder(primary, fallback);
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> builder.switchAfter(Duration.ofSeconds(-1)));
    assertTrue(negative.getMessage().contains("PT-1S"), negative.getMessage());
    assertThrows(NullPointerException.class, () -> builder.switchAfter(null));
    assertThrows(NullPointerException.class, () -> builder.ticker(null));
  }
}
