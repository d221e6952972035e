package dev.baton.examples;

import dev.baton.locks.Lease;
import dev.baton.locks.jdbc.JdbcLockProvider;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The scheduler flow on a database: six instances of a service, each with its own
 * {@link JdbcLockProvider} on one (embedded H2) database, fire the same daily job at once. One
 * runs it; the others skip. On PostgreSQL or MySQL/MariaDB the same code uses their native
 * session locks; on H2 it is the lock table.
 */
public final class SchedulerDemo {
  private static final int INSTANCES = 6;

  private SchedulerDemo() {}

  public static void main(String[] args) throws Exception {
    run();
  }

  /** Runs the flow; returns how many instances ran the job (one). */
  static int run() throws Exception {
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:scheduler;DB_CLOSE_DELAY=-1");
    String job = "nightly-invoices:" + LocalDate.now();
    System.out.println("\n== Scheduler: " + INSTANCES + " instances fire '" + job
        + "' at once, locking in one database");
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch fired = new CountDownLatch(INSTANCES);
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
    try {
      List<Future<Boolean>> ran = new ArrayList<>();
      for (int i = 1; i <= INSTANCES; i++) {
        String instance = "instance-" + i;
        Callable<Boolean> fire = () -> {
          try (JdbcLockProvider locks = JdbcLockProvider.create(db)) {
            go.await();
            Optional<Lease> lease = locks.tryAcquire(job, Duration.ofMinutes(30));
            fired.countDown();
            if (lease.isEmpty()) {
              return false;
            }
            try (Lease held = lease.get().keepAlive()) {
              System.out.printf("  %s runs it (%s on H2, fencing token %d)%n", instance,
                  locks.strategy(), held.fencingToken());
              // The job, with the lease kept alive. It outlasts every instance's attempt: a
              // job that ends before a late instance fires would let that one run it again
              // (a real scheduler records the run, or holds the lock for a minimum time).
              fired.await(10, TimeUnit.SECONDS);
            }
            return true;
          }
        };
        ran.add(pool.submit(fire));
      }
      go.countDown();
      int runs = 0;
      for (Future<Boolean> result : ran) {
        runs += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      System.out.printf("  %d ran it, %d skipped%n", runs, INSTANCES - runs);
      return runs;
    } finally {
      pool.shutdownNow();
    }
  }
}
