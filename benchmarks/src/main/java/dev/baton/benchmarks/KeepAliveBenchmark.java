package dev.baton.benchmarks;

import dev.baton.locks.Lease;
import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LocalLockStore;
import dev.baton.locks.LockProvider;
import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.etcd.EtcdLockProvider;
import dev.baton.locks.jdbc.JdbcLockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.EtcdServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import dev.baton.testkit.RedisServer;
import dev.baton.testkit.TestServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Many kept-alive leases on one provider (issue 14, item 10): {@code leases} names (10,000 by
 * default) held with {@code keepAlive()} and a lease time of {@code leaseSeconds} (renewed every
 * third of it) for one measured run of {@code seconds} (120 by default). One single-shot
 * iteration; the time it reports is the run itself. The figures are JMH auxiliary counters:
 *
 * <ul>
 *   <li>{@code lost}: leases that ran their {@code onLost} or were not valid at the end (goal 0);
 *   <li>{@code storeOpsPer100Renewals}: store round trips counted at the server (Redis: script
 *       calls, {@code EVALSHA} and {@code EVAL} in {@code INFO commandstats}, as the commands a
 *       script runs inside count as commands too; PostgreSQL: committed transactions of the
 *       database; MariaDB: {@code Questions}; etcd: {@code Txn} calls in its gRPC metrics, the
 *       owner checks, as keep-alives are streamed) per 100 renewals due in the run (goal at most
 *       1 on Redis and JDBC); -1 where not counted (the in-JVM store has no server);
 *   <li>{@code statementsPer100Renewals} (JDBC): the statements, commits and rollbacks the
 *       provider ran, counted at its {@code DataSource}, per 100 renewals due; -1 elsewhere;
 *   <li>{@code cpuPercentOfOneCore}: the CPU time of this JVM (every thread: the provider's
 *       timers and renewal threads, the store client's I/O threads, GC, JIT and the idle JMH
 *       harness; not the server's) in the steady window, as a share of one core, <em>minus</em>
 *       {@code idleCpuPercentOfOneCore}, the same JVM's CPU share measured for {@code
 *       idleSeconds} before the leases are taken (provider open for 10 s already, server up,
 *       nothing held): the cost of keeping the leases alive (goal under 5%); {@code
 *       grossCpuPercentOfOneCore} is the steady window's share before the baseline is taken off.
 * </ul>
 *
 * <p>The steady window is the run after its first {@code settleSeconds} (JIT warm-up of the
 * renewal path, the first renewal round after the acquisitions); the round trips are counted
 * over the same window, the losses over the whole run.
 *
 * <p>Each run starts a server of its own (testkit binaries), so the counts are the provider's.
 * With {@code serverCpus} set (e.g. {@code 1}), the server's processes are pinned to those CPUs
 * with {@code taskset} once started (run the JVM itself pinned elsewhere, e.g. {@code taskset -c
 * 0 ./mvnw …}).
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am compile exec:exec -Djmh.include=KeepAlive -Djmh.options="-p backend=redis -p seconds=30"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(1)
public class KeepAliveBenchmark {
  @Param({"local", "redis", "postgresql", "mariadb", "etcd"})
  public String backend;

  @Param("10000")
  public int leases;

  @Param("6")
  public int leaseSeconds;

  @Param("120")
  public int seconds;

  @Param("20")
  public int settleSeconds;

  @Param("10")
  public int idleSeconds;

  /** CPUs to pin the server's processes to ({@code taskset -c} syntax); empty: not pinned. */
  @Param("")
  public String serverCpus;

  private double idleCpuPercent;
  private static final int IDLE_CALM_SECONDS = 10;

  private LockProvider locks;
  private final List<Lease> held = new ArrayList<>();
  private final AtomicLong lostCount = new AtomicLong();
  /** A server of this benchmark's own, so that its operation counts are this provider's only. */
  private TestServer server;
  private UnifiedJedis redis;
  private DataSource database;
  /** The provider's data source, counting the statements the provider runs. */
  private CountingDataSource counted;

  /** The run's figures, reported by JMH next to the time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Figures {
    /** Kept-alive leases lost during the run. */
    public long lost;
    /** Store operations per 100 renewals due, or -1 where not counted. */
    public double storeOpsPer100Renewals;
    /** JDBC only: statements the provider executed per 100 renewals due, or -1. */
    public double statementsPer100Renewals;
    /** This JVM's CPU time in the steady window less the idle baseline, in percent of one core. */
    public double cpuPercentOfOneCore;
    /** This JVM's CPU time in the steady window, in percent of one core. */
    public double grossCpuPercentOfOneCore;
    /** This JVM's CPU time before the leases were taken, in percent of one core. */
    public double idleCpuPercentOfOneCore;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (leases <= 0 || leaseSeconds <= 0 || seconds <= 0 || idleSeconds <= 0 || settleSeconds < 0
        || settleSeconds >= seconds) {
      throw new IllegalArgumentException("leases, leaseSeconds, seconds and idleSeconds must be"
          + " positive and settleSeconds below seconds: " + leases + ", " + leaseSeconds + ", "
          + seconds + ", " + idleSeconds + ", " + settleSeconds);
    }
    locks = switch (backend) {
      case "local" -> LocalLockProvider.builder().store(LocalLockStore.create()).build();
      case "redis" -> {
        RedisServer own = RedisServer.start();
        server = own;
        redis = RedisClient.create(own.uri());
        yield RedisLockProvider.create(own.uri());
      }
      case "postgresql" -> {
        PostgresServer own = PostgresServer.start();
        server = own;
        database = DataSources.postgres(own);
        counted = new CountingDataSource(database);
        yield JdbcLockProvider.create(counted.dataSource());
      }
      case "mariadb" -> {
        MariaDbServer own = MariaDbServer.start();
        server = own;
        database = DataSources.mariadb(own);
        counted = new CountingDataSource(database);
        yield JdbcLockProvider.create(counted.dataSource());
      }
      case "etcd" -> {
        EtcdServer own = EtcdServer.start();
        server = own;
        yield EtcdLockProvider.create(own.endpoints().toArray(String[]::new));
      }
      default -> throw new IllegalArgumentException("unknown backend " + backend);
    };
    pinServer();
    awaitStore();
    storeOps(); // the first metrics read (and its client) is not part of the baseline
    // The provider's and the driver's start-up (class loading, pools, JIT) is not idle time.
    Thread.sleep(TimeUnit.SECONDS.toMillis(IDLE_CALM_SECONDS));
    long idleCpu = processCpuNanos();
    long idleStart = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
    idleCpuPercent = 100.0 * (processCpuNanos() - idleCpu) / (System.nanoTime() - idleStart);
    Duration leaseTime = Duration.ofSeconds(leaseSeconds);
    String prefix = "keepalive-" + System.nanoTime() + "-";
    for (int i = 0; i < leases; i++) {
      Lease lease = locks.tryAcquire(prefix + i, leaseTime)
          .orElseThrow(() -> new IllegalStateException("a benchmark name is held"));
      held.add(lease.onLost(lostCount::incrementAndGet).keepAlive());
    }
    pinServer(); // connections the server forked meanwhile
  }

  /** A server just started may take a while to answer on a busy machine: wait up to 60 s. */
  private void awaitStore() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        locks.tryAcquire("warm-up", Duration.ofSeconds(30)).ifPresent(Lease::release);
        return;
      } catch (LockUnavailableException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /** Pins every process this JVM started (the server and its children) to {@code serverCpus}. */
  private void pinServer() throws IOException, InterruptedException {
    if (serverCpus.isEmpty()) {
      return;
    }
    List<ProcessHandle> servers = ProcessHandle.current().descendants().toList();
    for (ProcessHandle server : servers) {
      Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", serverCpus,
          Long.toString(server.pid())).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
        throw new IllegalStateException("taskset could not pin pid " + server.pid() + " to CPUs "
            + serverCpus);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    locks.close();
    if (redis != null) {
      redis.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Holds every lease kept alive for {@code seconds}, then records the figures. */
  @Benchmark
  public void keepAlive(Figures figures) throws Exception {
    long begin = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
    long ops = storeOps();
    long statements = counted == null ? -1 : counted.roundTrips.get();
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(seconds)
        - TimeUnit.NANOSECONDS.toMillis(start - begin)));
    long elapsed = System.nanoTime() - start;
    long cpuAfter = processCpuNanos();
    long opsAfter = storeOps();
    long statementsAfter = counted == null ? -1 : counted.roundTrips.get();

    long invalid = held.stream().filter(lease -> !lease.isValid()).count();
    figures.lost = Math.max(lostCount.get(), invalid);
    double renewalsDue = (double) leases * elapsed / (TimeUnit.SECONDS.toNanos(leaseSeconds) / 3.0);
    figures.storeOpsPer100Renewals = ops < 0 ? -1 : 100.0 * (opsAfter - ops) / renewalsDue;
    figures.statementsPer100Renewals = statements < 0 ? -1
        : 100.0 * (statementsAfter - statements) / renewalsDue;
    figures.grossCpuPercentOfOneCore = 100.0 * (cpuAfter - cpu) / elapsed;
    figures.idleCpuPercentOfOneCore = idleCpuPercent;
    figures.cpuPercentOfOneCore = figures.grossCpuPercentOfOneCore - idleCpuPercent;
    // JMH prints values near zero as "≈ 0": the exact figures, for the record.
    System.out.printf("keepalive %s: lost %d, store ops per 100 renewals %.3f (JDBC statements"
        + " %.3f), CPU %.3f%% of a core (gross %.3f%%, idle %.3f%%), steady window %.1f s%n",
        backend, figures.lost, figures.storeOpsPer100Renewals,
        figures.statementsPer100Renewals, figures.cpuPercentOfOneCore,
        figures.grossCpuPercentOfOneCore, idleCpuPercent, elapsed / 1e9);
  }

  /** The server's count of operations so far, or -1 where it is not counted. */
  private long storeOps() throws SQLException {
    return switch (backend) {
      case "redis" -> scriptCalls(redis.info("commandstats"));
      case "etcd" -> etcdTxns();
      case "postgresql" -> query("SELECT pg_stat_clear_snapshot(), (SELECT xact_commit FROM "
          + "pg_stat_database WHERE datname = current_database())", 2);
      case "mariadb" -> query("SHOW GLOBAL STATUS LIKE 'Questions'", 2);
      default -> -1;
    };
  }

  private long query(String sql, int column) throws SQLException {
    try (Connection c = database.getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(column);
    }
  }

  /** EVALSHA and EVAL calls so far: one per script round trip. */
  private static long scriptCalls(String commandstats) {
    long calls = 0;
    for (String line : commandstats.split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        String field = line.substring(line.indexOf("calls=") + 6);
        calls += Long.parseLong(field.substring(0, field.indexOf(',')));
      }
    }
    return calls;
  }

  /** Transactions etcd has answered so far, from its Prometheus metrics. */
  private long etcdTxns() {
    try {
      java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(((EtcdServer) server).endpoint()
              + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      long total = 0;
      for (String line : metrics.body().split("\n")) {
        if (line.startsWith("grpc_server_handled_total{") && line.contains("grpc_method=\"Txn\"")) {
          total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return total;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read etcd's metrics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading etcd's metrics", e);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
