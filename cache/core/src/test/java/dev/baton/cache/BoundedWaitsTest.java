package dev.baton.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every wait of a caller is bounded and interruptible, and the cache's own threads are bounded
 * even when loaders ignore interrupts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundedWaitsTest {

  /** Blocks until released, ignoring interrupts: the loader the bounds exist for. */
  private static String stubborn(CountDownLatch started, CountDownLatch release) {
    started.countDown();
    boolean interrupted = false;
    while (true) {
      try {
        if (release.await(30, TimeUnit.SECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true; // swallowed, as a careless loader would
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return "late";
  }

  @Test
  void aCallerCoalescedBehindAHungLoadCanBeInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (StampedeCache<String, String> cache = StampedeCache.<String, String>builder("interrupt")
        .ttl(Duration.ofMinutes(1)).loaderTimeout(Duration.ofSeconds(30)).build()) {
      Thread leader = new Thread(() -> {
        try {
          cache.get("k", key -> stubborn(started, release));
        } catch (RuntimeException expected) {
          // interrupted below, or the release
        }
      });
      leader.start();
      assertTrue(started.await(10, TimeUnit.SECONDS), "the leader's load started");

      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicReference<Boolean> flagKept = new AtomicReference<>();
      CountDownLatch waiting = new CountDownLatch(1);
      Thread waiter = new Thread(() -> {
        waiting.countDown();
        try {
          cache.get("k", key -> "never: coalesced");
        } catch (Throwable t) {
          thrown.set(t);
          flagKept.set(Thread.currentThread().isInterrupted());
        }
      });
      waiter.start();
      assertTrue(waiting.await(10, TimeUnit.SECONDS));
      awaitWaiting(waiter);
      waiter.interrupt();
      waiter.join(10_000);
      assertFalse(waiter.isAlive(), "the interrupted waiter still waits for the hung load");
      CacheLoadException e = assertInstanceOf(CacheLoadException.class, thrown.get());
      assertInstanceOf(InterruptedException.class, e.getCause(), "cause of " + e);
      assertEquals(Boolean.TRUE, flagKept.get(), "interrupt flag kept");
      release.countDown();
      leader.join(10_000);
    }
  }

  /** Waits (bounded) until the thread parks: it is inside the cache's wait for the leader. */
  private static void awaitWaiting(Thread thread) throws InterruptedException {
    for (int i = 0; i < 1_000; i++) {
      Thread.State state = thread.getState();
      if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("thread " + thread + " did not start waiting: " + thread.getState());
  }

  @Test
  void aLoaderWithoutAnExplicitTimeoutIsStillBounded() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (StampedeCache<String, String> cache = StampedeCache.<String, String>builder("default")
        .ttl(Duration.ofMinutes(1)).build()) {
      Thread caller = new Thread(() -> {
        try {
          cache.get("k", key -> stubborn(started, release));
        } catch (RuntimeException expected) {
          // interrupted by the test
        }
      });
      caller.start();
      assertTrue(started.await(10, TimeUnit.SECONDS));
      // the default loader timeout runs the loader on a pool thread: the caller waits in a
      // timed wait it can leave, not inside a loader that swallows the interrupt
      awaitWaiting(caller);
      caller.interrupt();
      caller.join(10_000);
      assertFalse(caller.isAlive(), "an interrupt does not end the caller's wait for its loader");
      release.countDown();
    }
  }

  @Test
  void aCoalescedCallerGivesUpWhenTheLeaderIsStuckOutsideTheLoader() throws Exception {
    CountDownLatch inStore = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // failure injection: a store whose read hangs (uninterruptibly) far past every bound
    HangingReadStore hanging = new HangingReadStore(() -> {
      inStore.countDown();
      stubborn(new CountDownLatch(0), release);
    });
    try (hanging; StampedeCache<String, String> cache = StampedeCache.<String, String>builder("stuck")
        .ttl(Duration.ofMinutes(1))
        .loaderTimeout(Duration.ofMillis(100))
        .store(hanging, LocalCacheStoreTest.UTF8)
        .build()) {
      Thread leader = new Thread(() -> cache.get("k", key -> "v"));
      leader.setDaemon(true);
      leader.start();
      assertTrue(inStore.await(10, TimeUnit.SECONDS));
      CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
        try {
          cache.get("k", key -> "never: coalesced");
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      Throwable t;
      try {
        // the bound: loader timeout 100 ms + no lock wait + 5 s slack
        t = waiter.get(20, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        release.countDown();
        throw new AssertionError("the coalesced caller waited more than 20 s", e);
      }
      CacheLoadException e = assertInstanceOf(CacheLoadException.class, t);
      assertTrue(e.getMessage().contains("gave up waiting"), e.getMessage());
      release.countDown();
      leader.join(10_000);
    }
  }

  @Test
  void loadersThatIgnoreInterruptsCannotGrowThePoolPastItsBound() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String name = "bounded-" + System.nanoTime();
    try (StampedeCache<String, String> cache = StampedeCache.<String, String>builder(name)
        .ttl(Duration.ofMinutes(1))
        .loaderTimeout(Duration.ofMillis(100))
        .threads(2)
        .build()) {
      List<CacheLoadException> failures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        failures.add(assertThrows(CacheLoadException.class,
            () -> cache.get("k" + System.nanoTime(), key -> stubborn(new CountDownLatch(1), release))));
      }
      for (CacheLoadException failure : failures) {
        // the first two hold the two threads; the others time out in the queue
        assertTrue(failure.getMessage().contains("did not finish within PT0.1S"),
            failure.getMessage());
      }

      List<CompletableFuture<String>> async = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        async.add(cache.getAsync("a" + i, key -> stubborn(new CountDownLatch(1), release)));
      }
      for (CompletableFuture<String> f : async) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
        assertInstanceOf(CacheLoadException.class, e.getCause());
      }
      assertTrue(threads(name + "-load-") <= 2, "loader threads: " + threads(name + "-load-"));
      assertTrue(threads(name + "-async-") <= 2, "async threads: " + threads(name + "-async-"));
      assertEquals(16, cache.stats().loadFailures(), "every load failed: " + cache.stats());
    } finally {
      release.countDown();
    }
  }

  @Test
  void loadsThatTimedOutInTheQueueDoNotFillIt() {
    CountDownLatch release = new CountDownLatch(1);
    try (StampedeCache<String, String> cache = StampedeCache.<String, String>builder("queue")
        .ttl(Duration.ofMinutes(1))
        .loaderTimeout(Duration.ofMillis(5))
        .threads(1)
        .build()) {
      // Hold the one loader thread. On a busy machine a stuck load can time out while still
      // queued (and is then dropped, unstarted), so try until one has started.
      CountDownLatch started = new CountDownLatch(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (started.getCount() > 0 && System.nanoTime() < deadline) {
        assertThrows(CacheLoadException.class,
            () -> cache.get("stuck" + System.nanoTime(), key -> stubborn(started, release)));
      }
      assertEquals(0, started.getCount(), "no stuck load started on the loader thread");
      // every later load waits in the queue and times out
      for (int i = 0; i < 1_050; i++) { // more than the queue's 1,000 places
        CacheLoadException e = assertThrows(CacheLoadException.class,
            () -> cache.get("k" + System.nanoTime(), key -> "never runs"));
        assertTrue(e.getMessage().contains("did not finish within"),
            "load " + i + ": " + e.getMessage());
      }
    } finally {
      release.countDown();
    }
  }

  private static long threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().contains(prefix)).count();
  }

  @Test
  void theLeadersExceptionReachesTheWaiterAsTheSameObject() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch waiterIn = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("boom");
    // Threads of the test's own: the common pool may have a single thread on 2 cores.
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (StampedeCache<String, String> cache = StampedeCache.<String, String>builder("same")
        .ttl(Duration.ofMinutes(1)).build()) {
      CompletableFuture<Throwable> leader = CompletableFuture.supplyAsync(() -> {
        try {
          cache.get("k", key -> {
            started.countDown();
            waiterIn.await(10, TimeUnit.SECONDS);
            // Long enough for the waiter's thread to reach get() and join this load on a busy
            // 2-core machine (100 ms was not, once, on Java 25 in CI).
            Thread.sleep(2_000);
            throw boom;
          });
          return null;
        } catch (Throwable t) {
          return t;
        }
      }, threads);
      assertTrue(started.await(10, TimeUnit.SECONDS));
      CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
        waiterIn.countDown();
        try {
          cache.get("k", key -> "never");
          return null;
        } catch (Throwable t) {
          return t;
        }
      }, threads);
      assertSame(boom, leader.get(20, TimeUnit.SECONDS));
      assertSame(boom, waiter.get(20, TimeUnit.SECONDS));
    } finally {
      threads.shutdownNow();
    }
  }
}
