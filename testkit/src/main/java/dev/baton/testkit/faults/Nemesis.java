package dev.baton.testkit.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's side of a fault run: starts the worker JVMs, injects the faults in turn between
 * quiet spells, watches that no worker died, and stops them all, whatever happened. Each of
 * its steps is noted in the log. Used from the runner's thread only; not thread-safe.
 */
final class Nemesis implements FaultContext {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);
  private static final String NEMESIS = "nemesis";

  private final String scenario;
  private final FencedRegister register;
  private final Duration lease;
  private final Map<String, WorkerProcess> workers = new LinkedHashMap<>();
  private final int threads;
  private final List<String> harness = new ArrayList<>();

  Nemesis(String scenario, FencedRegister register, Duration lease, Path dir, List<String> args,
      int workerCount, int threads) {
    this.scenario = scenario;
    this.register = register;
    this.lease = lease;
    this.threads = threads;
    for (int i = 0; i < workerCount; i++) {
      String id = "w" + i;
      List<String> own = new ArrayList<>(args);
      own.add("--id");
      own.add(id);
      workers.put(id, new WorkerProcess(id, own, dir));
    }
  }

  /**
   * Runs the whole nemesis; returns the harness failures (workers that exited abnormally).
   * Throws when a worker does not start or a fault cannot be injected.
   */
  List<String> runAll(List<Fault> faults, Duration time, Duration startWait, Duration stopWait)
      throws InterruptedException, IOException {
    RuntimeException failure = null;
    try {
      for (WorkerProcess w : workers.values()) {
        w.start();
      }
      awaitStarted(workers.size() * threads, startWait);
      note("begin-run", scenario);
      long end = System.nanoTime() + time.toNanos();
      int injected = 0;
      while (System.nanoTime() - end < 0 || injected < faults.size()) {
        Thread.sleep(lease.multipliedBy(2).toMillis());
        checkAlive();
        if (faults.isEmpty()) {
          continue;
        }
        Fault fault = faults.get(injected % faults.size());
        note("begin", fault.name());
        try {
          fault.inject(this);
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException("Scenario " + scenario + ": fault " + fault.name()
              + " could not be injected: " + e, e);
        }
        note("end", fault.name());
        injected++;
      }
      // Let the system settle, so refusals and stalls after the last fault show.
      Thread.sleep(lease.multipliedBy(3).toMillis());
      checkAlive();
      note("stop", scenario);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      stopAll(stopWait);
    }
    if (failure != null) {
      throw failure;
    }
    return harness;
  }

  private void awaitStarted(int expected, Duration wait) throws IOException,
      InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long started = register.readLog().stream().filter(e -> e.kind().equals("START")).count();
      if (started >= expected) {
        return;
      }
      checkAlive();
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("Scenario " + scenario + ": only " + started + " of "
            + expected + " worker threads started within " + wait + "; output of w0:\n"
            + workers.get("w0").tail());
      }
      Thread.sleep(100);
    }
  }

  private void checkAlive() {
    for (WorkerProcess w : workers.values()) {
      if (!w.isAlive()) {
        throw new IllegalStateException("Scenario " + scenario + ": worker " + w.id()
            + " exited with code " + w.exitCode() + " during the run (backend not built, or"
            + " the register failed); its output (" + w.output() + "):\n" + w.tail());
      }
    }
  }

  private void stopAll(Duration wait) throws InterruptedException {
    for (WorkerProcess w : workers.values()) {
      try {
        w.resume();
      } catch (IOException | RuntimeException e) {
        // not paused, or gone
      }
    }
    List<Thread> stoppers = new ArrayList<>();
    for (WorkerProcess w : workers.values()) {
      Thread t = new Thread(() -> {
        try {
          if (!w.stop(wait)) {
            register.note(FencedRegister.nowMicros(), "HUNG", w.id(), 0,
                "still running " + wait + " after its stdin closed");
            w.destroy();
          }
        } catch (InterruptedException | IOException e) {
          w.destroy();
        }
      }, "fault-stop-" + w.id());
      stoppers.add(t);
      t.start();
    }
    for (Thread t : stoppers) {
      t.join(wait.plusSeconds(10).toMillis());
    }
    for (WorkerProcess w : workers.values()) {
      w.destroy();
      int code = w.exitCode();
      if (code > 0) {
        harness.add(w.id() + " exited with code " + code + ": " + w.tail());
      }
    }
  }

  private WorkerProcess worker(String id) {
    String process = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
    WorkerProcess w = workers.get(process);
    if (w == null) {
      throw new IllegalArgumentException("No worker " + id + " in " + workers.keySet());
    }
    return w;
  }

  @Override
  public Duration lease() {
    return lease;
  }

  @Override
  public List<String> workers() {
    return List.copyOf(workers.keySet());
  }

  @Override
  public Optional<String> awaitLongHolder(Duration maxWait) throws Exception {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (System.nanoTime() - deadline < 0) {
      String holder = register.longHolder();
      if (holder != null) {
        return Optional.of(worker(holder).id());
      }
      Thread.sleep(20);
    }
    return Optional.empty();
  }

  @Override
  public void pauseWorker(String id) throws Exception {
    WorkerProcess w = worker(id);
    note("paused", "worker:" + w.id());
    w.pause();
  }

  @Override
  public void resumeWorker(String id) throws Exception {
    WorkerProcess w = worker(id);
    w.resume();
    note("resumed", "worker:" + w.id());
  }

  @Override
  public void restartWorker(String id) throws Exception {
    WorkerProcess w = worker(id);
    w.kill();
    // Noted once it is dead: every grant it logged before is over (a dead holder writes nothing).
    note("killed", "worker:" + w.id());
    w.start();
    note("started", "worker:" + w.id());
  }

  @Override
  public void note(String step, String target) throws IOException {
    LOG.info("{}: {} {}", scenario, step, target);
    register.note(FencedRegister.nowMicros(), "NEMESIS", NEMESIS, 0, step, target);
  }
}
