package dev.baton.benchmarks;

import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LocalLockStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended acquire + release on the in-JVM store, one thread, against a bare
 * {@link ReentrantLock} (the floor: what any in-JVM lock costs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocalLockBenchmark {

  private LocalLockProvider locks;
  private final ReentrantLock raw = new ReentrantLock();

  @Setup
  public void setUp() {
    locks = LocalLockProvider.builder().store(LocalLockStore.create()).build();
  }

  @TearDown
  public void tearDown() {
    locks.close();
  }

  @Benchmark
  public long batonLocal() {
    return LockCycle.acquireAndRelease(locks, "bench");
  }

  @Benchmark
  public boolean rawReentrantLock() {
    raw.lock();
    try {
      return raw.isHeldByCurrentThread();
    } finally {
      raw.unlock();
    }
  }
}
