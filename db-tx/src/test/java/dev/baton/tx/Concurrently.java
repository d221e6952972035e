package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs tasks on threads of their own, released together, every wait bounded. */
final class Concurrently {
  private Concurrently() {}

  interface Task<T> {
    T call(int index) throws Exception;
  }

  /**
   * Runs {@code task(0..n-1)} on {@code n} threads that start at the same moment; returns the
   * results in index order, or throws the first task's failure.
   */
  static <T> List<T> run(int n, Task<T> task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(threads.submit(() -> {
          assertTrue(start.await(30, TimeUnit.SECONDS), "start");
          return task.call(index);
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        try {
          results.add(future.get(90, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
      }
      return results;
    } finally {
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "threads ended");
    }
  }
}
