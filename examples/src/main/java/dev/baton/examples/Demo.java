package dev.baton.examples;

import dev.baton.locks.Lease;
import dev.baton.locks.LeaseGroup;
import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LockProvider;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tour of the lock API on the embedded default (locks in this JVM): six "instances" compete
 * for a daily job and for a shared quota, a fenced resource turns away a holder whose lease ran
 * out, and two callers take overlapping sets of names without deadlock. Then the flows on the
 * other modules: {@link SchedulerDemo} (locks in a database), {@link PlantIdDemo} (the cache)
 * and {@link RecommenderDemo} (validation).
 *
 * <p>Run it with {@code ./mvnw -q -pl examples -am compile exec:java}.
 */
public final class Demo {
  private static final int INSTANCES = 6;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    dailyJobRunsOnce();
    quotaIsNeverOverbooked();
    fencingTurnsAwayAStaleHolder();
    overlappingSetsDoNotDeadlock();
    // The flows on the other modules, on embedded defaults too.
    SchedulerDemo.run();
    PlantIdDemo.run();
    RecommenderDemo.run();
    System.out.println("\nDone. (TransactionsDemo: the db-tx tour, run on its own.)");
  }

  /** Six instances wake up for the same daily job; exactly one runs it. */
  private static void dailyJobRunsOnce() throws InterruptedException {
    String job = "daily-report:" + LocalDate.now();
    System.out.println("== " + INSTANCES + " instances start '" + job + "' at the same time");
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(INSTANCES);
    for (int i = 1; i <= INSTANCES; i++) {
      String instance = "instance-" + i;
      start(instance, () -> {
        // Each instance has its own provider, as separate services would.
        try (LockProvider locks = LocalLockProvider.create()) {
          start.await();
          Optional<Lease> lease = locks.tryAcquire(job, Duration.ofMinutes(10));
          if (lease.isPresent()) {
            try (Lease held = lease.get().keepAlive()) {
              System.out.printf("  %s runs the job with fencing token %d%n", instance,
                  held.fencingToken());
              Thread.sleep(200);
            }
          } else {
            System.out.printf("  %s skips: another instance has the job%n", instance);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      });
    }
    start.countDown();
    done.await(30, TimeUnit.SECONDS);
  }

  /** Six instances each book two slots of a quota of ten, one booking at a time. */
  private static void quotaIsNeverOverbooked() throws InterruptedException {
    System.out.println("\n== " + INSTANCES + " instances book 2 slots each of a quota of 10");
    int[] booked = {0};
    CountDownLatch done = new CountDownLatch(INSTANCES);
    for (int i = 1; i <= INSTANCES; i++) {
      String instance = "instance-" + i;
      start(instance, () -> {
        try (LockProvider locks = LocalLockProvider.create()) {
          for (int slot = 0; slot < 2; slot++) {
            try (Lease lease = locks.tryAcquire("quota:uploads", Duration.ofSeconds(5),
                Duration.ofSeconds(10)).orElseThrow()) {
              // Check-then-reserve is safe while the lease is held.
              if (booked[0] < 10) {
                booked[0]++;
                System.out.printf("  %s booked slot %2d (token %d)%n",
                    instance, booked[0], lease.fencingToken());
              } else {
                System.out.printf("  %s refused: quota full (token %d)%n", instance,
                    lease.fencingToken());
              }
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      });
    }
    done.await(30, TimeUnit.SECONDS);
    System.out.println("  booked " + booked[0] + " of 10");
  }

  /** A holder pauses past its lease; the resource rejects its write by the token. */
  private static void fencingTurnsAwayAStaleHolder() throws InterruptedException {
    System.out.println("\n== A paused holder outlives its lease; the fencing token stops it");
    FencedResource resource = new FencedResource();
    try (LockProvider locks = LocalLockProvider.create()) {
      Lease slow = locks.tryAcquire("invoice:42", Duration.ofMillis(200)).orElseThrow();
      slow.onLost(() -> System.out.println("  slow holder: onLost ran, lease "
          + slow.fencingToken() + " ran out"));
      Thread.sleep(400); // a long GC pause, say
      Lease fast = locks.tryAcquire("invoice:42", Duration.ofSeconds(5)).orElseThrow();
      resource.write(fast.fencingToken(), "paid by the new holder");
      resource.write(slow.fencingToken(), "paid by the paused holder");
      fast.release();
    }
  }

  /** Two callers take overlapping sets of names in any order: no deadlock. */
  private static void overlappingSetsDoNotDeadlock() throws InterruptedException {
    System.out.println("\n== Two callers take {account:a, account:b} and {account:b, account:a}");
    try (LockProvider locks = LocalLockProvider.create()) {
      Thread one = start("caller-1", () -> transfer(locks, "account:a", "account:b"));
      Thread two = start("caller-2", () -> transfer(locks, "account:b", "account:a"));
      one.join(30_000);
      two.join(30_000);
    }
  }

  private static void transfer(LockProvider locks, String from, String to) {
    try (LeaseGroup group = locks.tryAcquireAll(List.of(from, to), Duration.ofSeconds(5),
        Duration.ofSeconds(10)).orElseThrow()) {
      System.out.printf("  %s -> %s holds both (tokens %s)%n", from, to,
          group.leases().stream().map(l -> l.name() + "=" + l.fencingToken()).toList());
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.start();
    return thread;
  }

  /** A resource that accepts a write only with a token above every token it has seen. */
  private static final class FencedResource {
    private final AtomicLong highest = new AtomicLong();

    void write(long token, String value) {
      long seen = highest.getAndAccumulate(token, Math::max);
      if (token > seen) {
        System.out.printf("  resource: accepted '%s' (token %d)%n", value, token);
      } else {
        System.out.printf("  resource: REJECTED '%s': token %d is older than %d%n", value, token,
            seen);
      }
    }
  }
}
