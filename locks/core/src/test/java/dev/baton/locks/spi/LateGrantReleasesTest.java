package dev.baton.locks.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.LockUnavailableException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LateGrantReleasesTest {
  private static final Duration LEASE = Duration.ofMinutes(1);
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final LateGrantReleases releases =
      new LateGrantReleases("test", scheduler, Duration.ofMillis(1));

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private void awaitIdle() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (releases.pending() > 0 && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    assertEquals(0, releases.pending(), "releases still under way");
  }

  @Test
  void aFailingReleaseIsRetriedUntilItFrees() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    releases.release("n", LEASE, System.nanoTime(), null, () -> {
      if (calls.incrementAndGet() < 3) {
        throw new LockUnavailableException("down");
      }
      return true;
    });
    awaitIdle();
    assertEquals(3, calls.get(), "two failures, then freed, then done");
  }

  @Test
  void nothingHeldIsLookedAtOnceMoreForALateRequest() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    releases.release("n", LEASE, System.nanoTime(), null, () -> calls.incrementAndGet() == 2);
    awaitIdle();
    assertEquals(2, calls.get());
    AtomicInteger never = new AtomicInteger();
    releases.release("m", LEASE, System.nanoTime(), null, () -> {
      never.incrementAndGet();
      return false;
    });
    awaitIdle();
    assertEquals(2, never.get(), "twice nothing: done");
  }

  @Test
  void triesAreBoundedAndEndWithTheLease() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    releases.release("n", LEASE, System.nanoTime(), null, () -> {
      calls.incrementAndGet();
      throw new LockUnavailableException("down");
    });
    awaitIdle();
    assertEquals(LateGrantReleases.MAX_TRIES, calls.get());
    AtomicInteger late = new AtomicInteger();
    // The attempt's lease is over: one try, no retry.
    releases.release("m", Duration.ofMillis(1), System.nanoTime() - TimeUnit.SECONDS.toNanos(1), null, () -> {
      late.incrementAndGet();
      throw new LockUnavailableException("down");
    });
    awaitIdle();
    assertEquals(1, late.get());
  }

  @Test
  void atMostSoManyWaitAtOnce() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    for (int i = 0; i < LateGrantReleases.MAX_PENDING + 10; i++) {
      releases.release("n" + i, LEASE, System.nanoTime(), null, () -> {
        calls.incrementAndGet();
        try {
          return hold.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
    }
    assertEquals(LateGrantReleases.MAX_PENDING, releases.pending());
    hold.countDown();
    awaitIdle();
    assertEquals(LateGrantReleases.MAX_PENDING, calls.get());
  }

  @Test
  void aReleaseTheClosedSchedulerRefusedIsTriedByReleaseNowAndOneAfterItAtOnce() {
    scheduler.shutdownNow();
    AtomicInteger calls = new AtomicInteger();
    releases.release("n", LEASE, System.nanoTime(), null, () -> calls.incrementAndGet() > 0);
    assertEquals(1, releases.pending(), "dropped although the provider has not closed it yet");
    releases.releaseNow();
    assertEquals(1, calls.get());
    assertEquals(0, releases.pending());
    releases.release("m", LEASE, System.nanoTime(), null, () -> calls.incrementAndGet() > 0);
    assertEquals(2, calls.get(), "a late grant after the close was not released at once");
    assertEquals(0, releases.pending());
  }

  @Test
  void aCloseTriesEveryPendingReleaseOnceMoreInsteadOfDroppingIt() throws Exception {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    try {
      // The first try fails; the retry would come a minute later, after the provider closed.
      LateGrantReleases slow = new LateGrantReleases("test", timers, Duration.ofMinutes(1));
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch firstTry = new CountDownLatch(1);
      slow.release("n", LEASE, System.nanoTime(), null, () -> {
        if (calls.incrementAndGet() == 1) {
          firstTry.countDown();
          throw new LockUnavailableException("down");
        }
        return true;
      });
      assertTrue(firstTry.await(10, TimeUnit.SECONDS));
      timers.shutdownNow(); // the provider closes: its scheduler stops
      slow.releaseNow();
      assertEquals(2, calls.get(), "the pending release was not tried again on close");
      assertEquals(0, slow.pending());
      slow.releaseNow();
      assertEquals(2, calls.get(), "a finished release was tried again");
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  void aTryThatFailsWhileTheCloseBeginsIsStillTriedOnceMore() throws Exception {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    try {
      LateGrantReleases slow = new LateGrantReleases("test", timers, Duration.ofMinutes(1));
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch inFirstTry = new CountDownLatch(1);
      CountDownLatch closingBegun = new CountDownLatch(1);
      slow.release("n", LEASE, System.nanoTime(), null, () -> {
        if (calls.incrementAndGet() == 1) {
          inFirstTry.countDown();
          try {
            closingBegun.await(10, TimeUnit.SECONDS); // the close begins during this try
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new LockUnavailableException("down");
        }
        return true;
      });
      assertTrue(inFirstTry.await(10, TimeUnit.SECONDS));
      timers.shutdown(); // the running try finishes; nothing new is scheduled
      Thread closer = new Thread(slow::releaseNow);
      closer.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (closer.getState() != Thread.State.WAITING && closer.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(1); // releaseNow() waits for the running try
      }
      closingBegun.countDown();
      closer.join(10_000);
      assertEquals(2, calls.get(), "the try that failed during the close was not made again");
      assertEquals(0, slow.pending());
    } finally {
      timers.shutdownNow();
    }
  }
}
