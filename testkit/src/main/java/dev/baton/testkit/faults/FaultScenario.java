package dev.baton.testkit.faults;

import dev.baton.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One run of the fault suite: worker JVMs contend for one name through a backend's
 * {@link FaultBackend}, write a {@link FencedRegister} with their tokens, while a nemesis
 * injects the scenario's {@link Fault}s in turn, with quiet spells of two lease times between
 * them, until the run's time is up and every fault ran at least once; then
 * {@link FaultChecker} recomputes the figures from the log and {@link #run()} prints them as
 * one {@code [faults]} line.
 *
 * <pre>{@code
 * FaultReport report = FaultScenario.builder("redis-restart-nopersist", RedisFaultBackend.class)
 *     .property("uri", redis.uri())
 *     .fault(Faults.restartStore(redis))
 *     .build()
 *     .run();
 * report.assertSafe(1);
 * }</pre>
 *
 * <p>The register lives in a private Redis the run starts and never faults. The system
 * property {@code baton.faults.seconds} (a soak: e.g. {@code -Dbaton.faults.seconds=600})
 * overrides every scenario's time. A worker, register or fault that cannot be started or
 * injected makes {@link #run()} throw, never pass.
 *
 * <p>Immutable once built; {@link #run()} may be called again for another run. Not meant for
 * concurrent runs from several threads (each run starts its own JVMs, which is what the
 * machine's cores can bear).
 */
public final class FaultScenario {
  /** The system property that overrides every scenario's time, in seconds. */
  public static final String SECONDS_PROPERTY = "baton.faults.seconds";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Duration START_WAIT = Duration.ofSeconds(90);
  private static final Duration STOP_WAIT = Duration.ofSeconds(40);

  private final String name;
  private final Class<? extends FaultBackend> backend;
  private final Map<String, String> properties;
  private final int workers;
  private final int threads;
  private final long seconds;
  private final Duration lease;
  private final List<Fault> faults;
  private final boolean brokenFence;

  private FaultScenario(Builder b) {
    this.name = b.name;
    this.backend = b.backend;
    this.properties = Map.copyOf(b.properties);
    this.workers = b.workers;
    this.threads = b.threads;
    this.seconds = secondsOverride().orElse(b.seconds);
    this.lease = b.lease;
    this.faults = List.copyOf(b.faults);
    this.brokenFence = b.brokenFence;
  }

  /**
   * Starts configuring a scenario.
   *
   * @param name the scenario's name in {@code [faults]} lines: lower-case letters, digits and
   *     dashes, at most 64
   * @param backend the backend's plug-in; a public class with a public no-arg constructor
   * @return a builder with 3 worker JVMs of 1 thread, 12 s, a 1.5 s lease and no faults
   * @throws IllegalArgumentException if the name is not of that form, or the class is not
   *     public with a public no-arg constructor
   */
  public static Builder builder(String name, Class<? extends FaultBackend> backend) {
    return new Builder(checkName("scenario name", name), checkBackend(backend));
  }

  static String checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " must be lower-case letters, digits and dashes"
          + " (at most 64), got '" + name + "'");
    }
    return name;
  }

  private static Class<? extends FaultBackend> checkBackend(Class<? extends FaultBackend> c) {
    Objects.requireNonNull(c, "backend");
    try {
      if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())
          || !java.lang.reflect.Modifier.isPublic(c.getConstructor().getModifiers())) {
        throw new NoSuchMethodException();
      }
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("backend " + c.getName() + " must be a public class"
          + " with a public no-arg constructor (the worker JVMs instantiate it by name)");
    }
    return c;
  }

  static java.util.Optional<Long> secondsOverride() {
    String value = System.getProperty(SECONDS_PROPERTY);
    if (value == null || value.isBlank()) {
      return java.util.Optional.empty();
    }
    long seconds;
    try {
      seconds = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SECONDS_PROPERTY + " must be a whole number of"
          + " seconds, got '" + value + "'");
    }
    return java.util.Optional.of(checkSeconds(SECONDS_PROPERTY, seconds));
  }

  private static long checkSeconds(String what, long seconds) {
    if (seconds < 1 || seconds > 86_400) {
      throw new IllegalArgumentException(what + " must be 1 to 86400 seconds, got " + seconds);
    }
    return seconds;
  }

  /** {@return the scenario's name} */
  public String name() {
    return name;
  }

  /** {@return how long the nemesis runs, in seconds (after any soak override)} */
  public long seconds() {
    return seconds;
  }

  /**
   * Runs the scenario: starts the register and the worker JVMs, lets the nemesis work,
   * stops everything, checks the log, prints the {@code [faults]} line.
   *
   * @return the figures; assert on them with {@link FaultReport#assertSafe(int)}
   * @throws IllegalStateException if the register, a worker or a fault could not be started
   *     or injected (the message says which, with the worker's output)
   * @throws InterruptedException if interrupted; everything started is stopped
   */
  public FaultReport run() throws InterruptedException {
    Path dir;
    try {
      dir = Files.createTempDirectory("baton-faults-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the fault run's directory", e);
    }
    String run = name + "-" + UUID.randomUUID();
    try (RedisServer store = RedisServer.start();
        FencedRegister register = FencedRegister.connect(store.host(), store.port(), run,
            brokenFence)) {
      List<String> args = new ArrayList<>(List.of("--backend", backend.getName(),
          "--register-host", store.host(), "--register-port", Integer.toString(store.port()),
          "--run", run, "--broken-fence", brokenFence ? "1" : "0", "--name", "faults-" + run,
          "--lease-ms", Long.toString(lease.toMillis()), "--threads", Integer.toString(threads)));
      properties.forEach((k, v) -> {
        args.add("--prop");
        args.add(k + "=" + v);
      });
      Nemesis nemesis = new Nemesis(name, register, lease, dir, args, workers, threads);
      List<String> harness = nemesis.runAll(faults, Duration.ofSeconds(seconds), START_WAIT,
          STOP_WAIT);
      List<LogEntry> log = register.readLog();
      writeLog(dir.resolve("log.tsv"), log);
      FaultReport report = FaultChecker.check(name, seconds, log, harness.size(), harness);
      System.out.println(report.line() + " log=" + dir.resolve("log.tsv"));
      System.out.flush();
      return report;
    } catch (IOException e) {
      throw new IllegalStateException("Scenario " + name + ": the register failed (worker"
          + " output in " + dir + ")", e);
    }
  }

  private static void writeLog(Path file, List<LogEntry> log) throws IOException {
    List<String> lines = new ArrayList<>();
    for (LogEntry e : log) {
      lines.add(String.join("\t", Long.toString(e.micros()), e.kind(), e.worker(),
          Long.toString(e.token()), e.a(), e.b(), e.c()));
    }
    Files.write(file, lines);
  }

  /** {@return how many fault kinds the scenario injects} */
  public int faultKinds() {
    return faults.size();
  }

  /** Configures a {@link FaultScenario}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Class<? extends FaultBackend> backend;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<Fault> faults = new ArrayList<>();
    private int workers = 3;
    private int threads = 1;
    private long seconds = 12;
    private Duration lease = Duration.ofMillis(1500);
    private boolean brokenFence;

    private Builder(String name, Class<? extends FaultBackend> backend) {
      this.name = name;
      this.backend = backend;
    }

    /**
     * A property passed to {@link FaultBackend#create} in every worker JVM.
     *
     * @param key a non-empty key without {@code =}, tabs or newlines
     * @param value a value without newlines
     * @return this builder
     * @throws IllegalArgumentException if either is malformed
     */
    public Builder property(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isEmpty() || key.contains("=") || key.contains("\n") || key.contains("\t")) {
        throw new IllegalArgumentException("property key must be non-empty without '=', tabs"
            + " or newlines, got '" + key + "'");
      }
      if (value.contains("\n")) {
        throw new IllegalArgumentException("property " + key + " must not hold a newline, got '"
            + value + "'");
      }
      properties.put(key, value);
      return this;
    }

    /**
     * How many worker JVMs; default 3.
     *
     * @param workers 1 to 16
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder workers(int workers) {
      if (workers < 1 || workers > 16) {
        throw new IllegalArgumentException("workers must be 1 to 16, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * How many worker threads each JVM runs on its one provider; default 1. More than one is
     * how an in-JVM store has several contenders.
     *
     * @param threads 1 to 8
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder threadsPerWorker(int threads) {
      if (threads < 1 || threads > 8) {
        throw new IllegalArgumentException("threadsPerWorker must be 1 to 8, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * How long the nemesis runs; default 12 s. {@code -Dbaton.faults.seconds} overrides it.
     *
     * @param seconds 1 to 86400
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder seconds(long seconds) {
      this.seconds = checkSeconds("seconds", seconds);
      return this;
    }

    /**
     * The lease time workers ask for; default 1.5 s. Faults last multiples of it.
     *
     * @param lease 200 ms to 60 s
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.compareTo(Duration.ofMillis(200)) < 0 || lease.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("lease must be 200 ms to 60 s, got " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * Adds a fault; the nemesis injects the faults in the order added, round-robin.
     *
     * @param fault the fault
     * @return this builder
     */
    public Builder fault(Fault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /**
     * Makes the register accept every write: for the suite's self-test only, to show the
     * checker catches a broken fence.
     *
     * @param broken whether the fence is broken
     * @return this builder
     */
    public Builder brokenFence(boolean broken) {
      this.brokenFence = broken;
      return this;
    }

    /**
     * Builds the scenario.
     *
     * @return the scenario
     * @throws IllegalArgumentException if {@code baton.faults.seconds} is malformed
     */
    public FaultScenario build() {
      return new FaultScenario(this);
    }
  }
}
