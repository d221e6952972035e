package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link FallbackLockProvider.Builder#sharedFallback}: two instances, each a fallback provider
 * over its own clients of the same two stores (a clock-seeded primary, like Redis, and a
 * fallback counting from 1, like a database sequence), with outages injected per instance, the
 * outage and quarantine timed on a manual ticker, and the probes run by the test.
 */
@Timeout(60)
class SharedFallbackTest {
  private static final Duration LEASE = Duration.ofSeconds(20);
  private static final Duration MAX_LEASE = Duration.ofSeconds(30);
  private static final Duration SWITCH_AFTER = Duration.ofSeconds(5);
  private static final Duration PROBE = Duration.ofHours(1); // the test runs the probes itself
  private static final Clock EPOCH = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  private final ManualTicker ticker = new ManualTicker();
  private final LocalLockStore primaryStore = LocalLockStore.create();
  private final LocalLockStore fallbackStore = LocalLockStore.create(Ticker.system(), EPOCH);
  private final Instance a = new Instance();
  private final Instance b = new Instance();
  /** A third client of the fallback store, to see what it holds. */
  private final FlakyProvider fallbackClient = new FlakyProvider(fallbackStore, "fallback");
  private final ExecutorService threads = Executors.newCachedThreadPool();

  /** One instance: its own clients of both stores, and its fallback provider over them. */
  private final class Instance {
    final FlakyProvider primary = new FlakyProvider(primaryStore, "primary");
    final FlakyProvider fallback = new FlakyProvider(fallbackStore, "fallback");
    final FallbackLockProvider locks = FallbackLockProvider.builder(primary, fallback)
        .switchAfter(SWITCH_AFTER)
        .probeInterval(PROBE)
        .ticker(ticker)
        .sharedFallback(MAX_LEASE)
        .build();

    void switchToFallback() {
      primary.down = true;
      assertThrows(LockUnavailableException.class, () -> locks.tryAcquire("other", LEASE));
      ticker.advance(SWITCH_AFTER);
      locks.probe();
      assertTrue(locks.isOnFallback());
    }

    void switchBack() {
      primary.down = false;
      locks.probe();
      assertFalse(locks.isOnFallback());
    }
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    a.locks.close();
    b.locks.close();
    fallbackClient.close();
  }

  private boolean fallbackHolds(String name) {
    Optional<Lease> probe = fallbackClient.tryAcquire(name, LEASE);
    probe.ifPresent(Lease::release);
    return probe.isEmpty();
  }

  @Test
  void fallbackGrantsWaitUntilEveryPrimaryLeaseHasRunOut() throws Exception {
    a.switchToFallback();
    LockUnavailableException refused =
        assertThrows(LockUnavailableException.class, () -> a.locks.tryAcquire("job", LEASE));
    assertTrue(refused.getMessage().contains("job") && refused.getMessage().contains("begin in"),
        refused.getMessage());
    assertThrows(LockUnavailableException.class,
        () -> a.locks.tryAcquire("job", LEASE, Duration.ofMillis(10)));
    Future<Lease> waiter = threads.submit(() -> a.locks.acquire("job", LEASE));
    Thread.sleep(100);
    assertFalse(waiter.isDone(), "a waiting caller was granted during the quarantine");

    ticker.advance(MAX_LEASE);
    long before = LocalLockStore.micros(Instant.now());
    Lease lease = waiter.get(10, TimeUnit.SECONDS);
    assertEquals("fallback", lease.store());
    assertTrue(lease.fencingToken() >= before, "fallback token " + lease.fencingToken()
        + " below the wall clock " + before + " µs at the grant");
  }

  @Test
  void fallbackTokensOfAnotherInstanceFollowThePrimarysTokens() {
    Lease onPrimary = a.locks.tryAcquire("job", LEASE).orElseThrow();
    assertTrue(onPrimary.release());
    b.switchToFallback(); // b never saw a's token
    ticker.advance(MAX_LEASE);
    Lease onFallback = b.locks.tryAcquire("job", LEASE).orElseThrow();
    assertEquals("fallback", onFallback.store());
    assertTrue(onFallback.fencingToken() > onPrimary.fencingToken(), "instance b's fallback token "
        + onFallback.fencingToken() + " after instance a's primary token " + onPrimary.fencingToken());
  }

  @Test
  void afterASwitchBackAPrimaryGrantWaitsForAFallbackHolderThatHasNotSwitchedYet()
      throws Exception {
    a.switchToFallback();
    b.switchToFallback();
    ticker.advance(MAX_LEASE);
    Lease onFallback = b.locks.tryAcquire("job", LEASE).orElseThrow();
    AtomicInteger told = new AtomicInteger();
    onFallback.onLost(told::incrementAndGet);

    a.switchBack(); // b has not probed yet: it still holds "job" on the fallback
    assertTrue(a.locks.tryAcquire("job", LEASE).isEmpty(),
        "instance a was granted a name instance b still holds on the fallback");
    assertTrue(primaryIsFree("job"), "the refused primary grant was not given back");
    Future<Optional<Lease>> waiter =
        threads.submit(() -> a.locks.tryAcquire("job", LEASE, Duration.ofSeconds(20)));
    Thread.sleep(100);
    assertFalse(waiter.isDone(), "instance a's waiter was granted while b held the name");

    b.switchBack(); // b's fallback lease ends: lost, told, and given back
    assertEquals(1, told.get(), "the holder of the revoked fallback lease was not told");
    assertFalse(onFallback.isValid());
    assertFalse(onFallback.release(), "a revoked lease reported a release");
    Lease onPrimary = waiter.get(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("primary", onPrimary.store());
    assertTrue(onPrimary.fencingToken() > onFallback.fencingToken(), "primary token "
        + onPrimary.fencingToken() + " after fallback token " + onFallback.fencingToken());
    assertTrue(fallbackHolds("job"), "a primary grant in the guard window left the fallback free");
    assertTrue(b.locks.tryAcquire("job", LEASE).isEmpty());
    assertTrue(onPrimary.release());
    assertFalse(fallbackHolds("job"), "releasing a guarded lease left its guard held");
  }

  @Test
  void theGuardWindowEnds() {
    a.switchToFallback();
    a.switchBack();
    Lease guarded = a.locks.tryAcquire("job", LEASE).orElseThrow();
    assertTrue(fallbackHolds("job"));
    assertTrue(guarded.release());

    ticker.advance(MAX_LEASE.plus(PROBE.multipliedBy(2)));
    Lease plain = a.locks.tryAcquire("job", LEASE).orElseThrow();
    assertFalse(fallbackHolds("job"), "a grant after the window still holds the fallback");
    assertTrue(plain.release());
  }

  @Test
  void aFallbackGrantOnItsWayAcrossASwitchBackIsGivenBack() throws Exception {
    a.switchToFallback();
    ticker.advance(MAX_LEASE);
    CountDownLatch made = new CountDownLatch(1);
    CountDownLatch hold = new CountDownLatch(1);
    a.fallback.grantMade = made;
    a.fallback.holdGrants = hold;
    Future<Optional<Lease>> late = threads.submit(() -> a.locks.tryAcquire("job", LEASE));
    assertTrue(made.await(10, TimeUnit.SECONDS), "the fallback's grant was not made");
    a.fallback.holdGrants = null;

    a.switchBack();
    hold.countDown(); // the fallback's grant arrives after the switch back

    Lease lease = late.get(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("primary", lease.store(), "a grant of the store just left was handed out");
    assertTrue(fallbackHolds("job"), "the primary grant in the window holds no guard");
    assertTrue(lease.release());
    assertFalse(fallbackHolds("job"), "the fallback grant that arrived late was not given back");
  }

  @Test
  void losingTheGuardLosesTheLease() {
    a.switchToFallback();
    a.switchBack();
    Lease guarded = a.locks.tryAcquire("job", Duration.ofMillis(300)).orElseThrow();
    AtomicInteger told = new AtomicInteger();
    guarded.onLost(told::incrementAndGet);
    a.fallback.down = true; // the guard cannot be extended
    assertFalse(guarded.extend(LEASE));
    a.fallback.down = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (guarded.isValid() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertFalse(guarded.isValid());
    assertTrue(waitFor(() -> told.get() == 1), "onLost ran " + told.get() + " times");
  }

  @Test
  void badInputNamesTheValue() {
    FallbackLockProvider.Builder builder = FallbackLockProvider.builder(a.primary, a.fallback);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> builder.sharedFallback(Duration.ZERO)).getMessage().contains("PT0S"));
    assertThrows(IllegalArgumentException.class, () -> builder.sharedFallback(Duration.ofSeconds(-1)));
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> a.locks.tryAcquire("job", Duration.ofMinutes(1)));
    assertTrue(tooLong.getMessage().contains("PT1M") && tooLong.getMessage().contains("PT30S"),
        tooLong.getMessage());
    Lease lease = a.locks.tryAcquire("job", LEASE).orElseThrow();
    assertThrows(IllegalArgumentException.class, () -> lease.extend(Duration.ofMinutes(1)));
    assertTrue(lease.isValid(), "a refused extension changed the lease");
    assertTrue(lease.release());
  }

  private boolean primaryIsFree(String name) {
    Optional<Lease> probe = new FlakyProvider(primaryStore, "primary").tryAcquire(name, LEASE);
    probe.ifPresent(Lease::release);
    return probe.isPresent();
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return condition.getAsBoolean();
  }
}
