package dev.baton.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LeaseGroupTest {
  private final LocalLockStore store = LocalLockStore.create();
  private final LocalLockProvider locks = LocalLockProvider.builder().store(store).build();

  @AfterEach
  void close() {
    locks.close();
  }

  @Test
  void takesDistinctNamesInNaturalOrder() throws Exception {
    LeaseGroup group = locks.tryAcquireAll(List.of("c", "a", "b", "a"), Duration.ofSeconds(5),
        Duration.ZERO).orElseThrow();
    assertEquals(List.of("a", "b", "c"), group.leases().stream().map(Lease::name).toList());
    assertTrue(group.leases().get(0).fencingToken() < group.leases().get(2).fencingToken());
    assertEquals("b", group.lease("b").name());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> group.lease("z"));
    assertTrue(unknown.getMessage().contains("z"));
    assertTrue(group.isValid());
    assertTrue(group.release());
    assertFalse(group.isValid());
    assertFalse(group.release(), "a second release frees nothing");
  }

  @Test
  void rejectsAnEmptyOrBadSet() {
    assertThrows(IllegalArgumentException.class,
        () -> locks.tryAcquireAll(List.of(), Duration.ofSeconds(5), Duration.ZERO));
    assertThrows(NullPointerException.class,
        () -> locks.tryAcquireAll(null, Duration.ofSeconds(5), Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> locks.tryAcquireAll(List.of("a"), Duration.ZERO, Duration.ZERO));
    assertEquals(0, store.activeNames());
  }

  @Test
  void onLostRunsOnceForTheGroup() throws Exception {
    LeaseGroup group = locks.tryAcquireAll(List.of("x", "y"), Duration.ofMillis(100), Duration.ZERO)
        .orElseThrow();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch lost = new CountDownLatch(1);
    group.onLost(() -> {
      runs.incrementAndGet();
      lost.countDown();
    });
    assertTrue(lost.await(10, TimeUnit.SECONDS));
    Thread.sleep(200);
    assertEquals(1, runs.get(), "both leases ran out; the group's action runs once");
  }

  @Test
  void keepAliveRenewsEveryLease() throws Exception {
    LeaseGroup group = locks.tryAcquireAll(List.of("x", "y"), Duration.ofMillis(1500), Duration.ZERO)
        .orElseThrow().keepAlive();
    Thread.sleep(3000); // twice the lease time: only renewal keeps it
    assertTrue(group.isValid());
    group.close();
    assertEquals(0, store.activeNames());
  }
}
