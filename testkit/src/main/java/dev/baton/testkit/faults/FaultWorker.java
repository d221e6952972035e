package dev.baton.testkit.faults;

import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import dev.baton.locks.LockUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main class of a fault-suite worker JVM, started by {@link FaultScenario}. Its threads
 * loop: acquire the name (lease time from the command line, at most 3 s of waiting), keepAlive,
 * record onLost, write the fenced register with the lease's token, work a little (one grant in
 * five holds longer than its lease, so faults hit it mid-work), write again, release. Every
 * step is logged in the register. The worker writes even when {@code isValid()} is false, so
 * the fence is what is tested. It stops when its standard input closes; then it closes the
 * provider and logs how long that took.
 *
 * <p>Exit codes: 0 after a clean stop; 2 for a bad command line; 3 when the backend cannot be
 * built (a {@code LockUnavailableException} is retried for 30 s first) or the register fails
 * (the run then fails as a harness error, never passes).
 *
 * <p>Not for use as a library class: its only API is {@link #main}.
 */
public final class FaultWorker {
  private static final Duration MAX_WAIT = Duration.ofSeconds(3);
  private static final Duration STOP_WAIT = Duration.ofSeconds(15);
  private static final long LONG_HOLD_MS = 2_500;
  private static final Duration CREATE_WAIT = Duration.ofSeconds(30);

  private final FaultWorkerOptions options;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final FencedRegister async;

  private FaultWorker(FaultWorkerOptions options, FencedRegister async) {
    this.options = options;
    this.async = async;
  }

  /**
   * Runs a worker JVM.
   *
   * @param args the command line {@link FaultScenario} builds
   */
  public static void main(String[] args) {
    FaultWorkerOptions options;
    try {
      options = FaultWorkerOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("Bad fault worker command line: " + e.getMessage());
      System.exit(2);
      return;
    }
    int code;
    try {
      code = run(options);
    } catch (Exception | Error e) {
      System.err.println("Fault worker " + options.id() + " failed: " + e);
      e.printStackTrace();
      code = 3;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }

  private static int run(FaultWorkerOptions options) throws Exception {
    FaultBackend backend = (FaultBackend) Class.forName(options.backend())
        .getConstructor().newInstance();
    try (FencedRegister async = options.connect()) {
      FaultWorker worker = new FaultWorker(options, async);
      LockProvider provider = create(backend, options);
      return worker.loopAll(provider);
    }
  }

  /** Builds the provider, retrying for a while when the store is slow to answer at first. */
  private static LockProvider create(FaultBackend backend, FaultWorkerOptions options)
      throws Exception {
    long deadline = System.nanoTime() + CREATE_WAIT.toNanos();
    while (true) {
      try {
        return backend.create(options.properties());
      } catch (LockUnavailableException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private int loopAll(LockProvider provider) throws Exception {
    List<Thread> threads = new ArrayList<>();
    Queue<Throwable> harness = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < options.threads(); i++) {
      String id = options.threads() == 1 ? options.id() : options.id() + "." + i;
      Thread thread = new Thread(() -> {
        try (FencedRegister register = options.connect()) {
          register.note(FencedRegister.nowMicros(), "START", id, 0,
              Long.toString(ProcessHandle.current().pid()));
          loop(id, provider, register);
        } catch (IOException | RuntimeException e) {
          harness.add(e);
        }
      }, "fault-worker-" + id);
      threads.add(thread);
      thread.start();
    }
    watchStdin(System.in);
    for (Thread thread : threads) {
      thread.join(STOP_WAIT.toMillis());
    }
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      thread.join(STOP_WAIT.toMillis());
    }
    long started = System.nanoTime();
    provider.close();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    async.note(FencedRegister.nowMicros(), "CLOSED", options.id(), 0, Long.toString(ms));
    if (!harness.isEmpty()) {
      harness.peek().printStackTrace();
      return 3;
    }
    return 0;
  }

  /** Blocks until standard input closes (the runner's stop signal). */
  private void watchStdin(InputStream in) {
    try {
      while (in.read() >= 0) {
        // nothing: any byte is ignored, end of stream means stop
      }
    } catch (IOException e) {
      // a broken pipe means the runner is gone: stop too
    }
    stopping.set(true);
  }

  private void loop(String id, LockProvider provider, FencedRegister register)
      throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stopping.get()) {
      long attemptStart = FencedRegister.nowMicros();
      Optional<Lease> acquired;
      try {
        acquired = provider.tryAcquire(options.name(), options.lease(), MAX_WAIT);
      } catch (LockUnavailableException e) {
        register.note(FencedRegister.nowMicros(), "ATTEMPT", id, 0, "unavailable");
        pause(100);
        continue;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        register.note(FencedRegister.nowMicros(), "ATTEMPT", id, 0, "error");
        error(register, id, 0, "acquire", e);
        pause(200);
        continue;
      }
      register.note(FencedRegister.nowMicros(), "ATTEMPT", id, 0,
          acquired.isPresent() ? "granted" : "empty");
      if (acquired.isPresent()) {
        hold(id, acquired.get(), register, attemptStart, random.nextInt(5) == 0);
      }
      pause(random.nextInt(20, 80));
    }
  }

  private void hold(String id, Lease lease, FencedRegister register, long attemptStart,
      boolean longHold) throws IOException {
    long token = lease.fencingToken();
    Belief belief = new Belief(id, token, register, async);
    register.grant(id, token, attemptStart, longHold);
    try {
      lease.onLost(() -> belief.told("LOST"));
      lease.keepAlive();
      write(id, lease, belief, register);
      long workMs = longHold ? LONG_HOLD_MS : ThreadLocalRandom.current().nextLong(30, 150);
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(workMs);
      while (System.nanoTime() - end < 0) {
        if (!lease.isValid()) {
          belief.told("INVALID");
          break;
        }
        pause(50);
      }
      write(id, lease, belief, register);
    } catch (RuntimeException e) {
      error(register, id, token, "hold", e);
    }
    belief.end("RELEASING");
    try {
      boolean released = lease.release();
      register.note(FencedRegister.nowMicros(), "RELEASED", id, token, released ? "1" : "0");
    } catch (RuntimeException e) {
      error(register, id, token, "release", e);
    }
  }

  private void write(String id, Lease lease, Belief belief, FencedRegister register)
      throws IOException {
    boolean valid = lease.isValid();
    if (!valid) {
      belief.told("INVALID");
    }
    register.write(id, lease.fencingToken(), valid);
  }

  private static void error(FencedRegister register, String id, long token, String call,
      RuntimeException e) throws IOException {
    register.note(FencedRegister.nowMicros(), "ERROR", id, token,
        e.getClass().getName() + ": " + e.getMessage() + " | " + call);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Command-line options of a worker JVM. */
  record FaultWorkerOptions(String backend, String registerHost, int registerPort, String run,
      boolean brokenFence, String name, Duration lease, int threads, String id,
      Map<String, String> properties) {

    static FaultWorkerOptions parse(String[] args) {
      Map<String, String> flags = new LinkedHashMap<>();
      Map<String, String> properties = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        if (args[i].equals("--prop")) {
          int eq = args[i + 1].indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException("--prop needs key=value, got " + args[i + 1]);
          }
          properties.put(args[i + 1].substring(0, eq), args[i + 1].substring(eq + 1));
        } else {
          flags.put(args[i], args[i + 1]);
        }
      }
      if (args.length % 2 != 0) {
        throw new IllegalArgumentException("odd number of arguments: " + String.join(" ", args));
      }
      return new FaultWorkerOptions(required(flags, "--backend"),
          required(flags, "--register-host"),
          Integer.parseInt(required(flags, "--register-port")), required(flags, "--run"),
          "1".equals(flags.get("--broken-fence")), required(flags, "--name"),
          Duration.ofMillis(Long.parseLong(required(flags, "--lease-ms"))),
          Integer.parseInt(required(flags, "--threads")), required(flags, "--id"),
          Map.copyOf(properties));
    }

    private static String required(Map<String, String> flags, String flag) {
      String value = flags.get(flag);
      if (value == null) {
        throw new IllegalArgumentException("missing " + flag);
      }
      return value;
    }

    FencedRegister connect() throws IOException {
      return FencedRegister.connect(registerHost, registerPort, run, brokenFence);
    }
  }

  /** One grant's belief: ended once (counted out of the occupancy), told at most once. */
  private static final class Belief {
    private final String id;
    private final long token;
    private final FencedRegister register;
    private final FencedRegister async;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean told = new AtomicBoolean();

    Belief(String id, long token, FencedRegister register, FencedRegister async) {
      this.id = id;
      this.token = token;
      this.register = register;
      this.async = async;
    }

    /** The worker learned the lease is lost; runs on the worker or a provider thread. */
    void told(String kind) {
      long now = FencedRegister.nowMicros();
      if (!told.compareAndSet(false, true)) {
        return;
      }
      try {
        if (ended.compareAndSet(false, true)) {
          async.endBelief(now, kind, id, token);
        } else {
          async.note(now, "TOLD", id, token, kind);
        }
      } catch (IOException e) {
        throw new IllegalStateException("The register failed while logging " + kind, e);
      }
    }

    void end(String kind) throws IOException {
      if (ended.compareAndSet(false, true)) {
        register.endBelief(FencedRegister.nowMicros(), kind, id, token);
      }
    }
  }
}
