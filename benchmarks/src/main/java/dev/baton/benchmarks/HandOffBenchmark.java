package dev.baton.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import dev.baton.locks.jdbc.JdbcLockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import dev.baton.testkit.RedisServer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/**
 * Contended hand-off: two "instances" (two clients of the store, each with its own connections)
 * × two threads each, all taking one name with a wait, holding it for no time, releasing it. The
 * score is grants per second; each grant that follows a release by the other instance also
 * records the cross-instance wake-up (from just before the release call to the grant), printed at
 * the end of each fork as {@code [handoff] <backend> wake-up p50=… p99=…}. Baton and its peers
 * on the same server: Redisson's RLock on Redis, Spring Integration's JdbcLockRegistry on
 * PostgreSQL and MariaDB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
public class HandOffBenchmark {
  private static final String NAME = "bench-handoff";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Param({"baton-redis", "redisson", "baton-postgresql", "spring-jdbc-postgresql",
      "baton-mariadb", "spring-jdbc-mariadb"})
  public String backend;

  /** One instance's way of taking the name: returns what releases it. */
  interface Contender {
    Runnable hold() throws InterruptedException;
  }

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Contender[] instances = new Contender[2];
  private final AtomicInteger threadCount = new AtomicInteger();
  private final List<Contestant> contestants = new ArrayList<>();
  private volatile long releasedAt;
  private volatile int releasedBy = -1;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    for (int i = 0; i < 2; i++) {
      instances[i] = contender();
    }
  }

  private Contender contender() throws SQLException {
    return switch (backend) {
      case "baton-redis" -> baton(RedisLockProvider.create(RedisServer.shared().uri()));
      case "baton-postgresql" -> baton(JdbcLockProvider.create(DataSources.postgres(PostgresServer.shared())));
      case "baton-mariadb" -> baton(JdbcLockProvider.create(DataSources.mariadb(MariaDbServer.shared())));
      case "redisson" -> redisson();
      case "spring-jdbc-postgresql" -> springJdbc(DataSources.postgres(PostgresServer.shared()), "postgresql");
      case "spring-jdbc-mariadb" -> springJdbc(DataSources.mariadb(MariaDbServer.shared()), "mariadb");
      default -> throw new IllegalArgumentException("unknown backend " + backend);
    };
  }

  private Contender baton(LockProvider locks) {
    resources.add(locks);
    return () -> {
      Lease lease = locks.tryAcquire(NAME, Peers.LEASE, WAIT)
          .orElseThrow(() -> new IllegalStateException("no grant within " + WAIT));
      return lease::release;
    };
  }

  private Contender redisson() {
    RedissonClient client = Peers.redisson(RedisServer.shared().uri());
    resources.add(client::shutdown);
    RLock lock = client.getLock(NAME);
    return () -> {
      if (!lock.tryLock(WAIT.toMillis(), Peers.LEASE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("no grant within " + WAIT);
      }
      return lock::unlock;
    };
  }

  private Contender springJdbc(DataSource ds, String database) throws SQLException {
    HikariDataSource pool = PeerTables.pool(ds);
    resources.add(pool);
    PeerTables.create(pool, database);
    JdbcLockRegistry registry = Peers.jdbcLockRegistry(pool);
    return () -> {
      Lock lock = registry.obtain(NAME);
      if (!lock.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("no grant within " + WAIT);
      }
      return lock::unlock;
    };
  }

  /** One benchmark thread: its instance (threads alternate between the two) and its samples. */
  @State(Scope.Thread)
  public static class Contestant {
    int instance;
    long[] wakeUps = new long[1 << 16];
    int count;

    @Setup(Level.Trial)
    public void join(HandOffBenchmark bench) {
      instance = bench.threadCount.getAndIncrement() % 2;
      synchronized (bench.contestants) {
        bench.contestants.add(this);
      }
    }

    synchronized long[] samples() {
      return Arrays.copyOf(wakeUps, Math.min(count, wakeUps.length));
    }
  }

  @Benchmark
  public int handOff(Contestant me) throws InterruptedException {
    Runnable release = instances[me.instance].hold();
    long granted = System.nanoTime();
    if (releasedBy >= 0 && releasedBy != me.instance) {
      me.wakeUps[me.count++ & (me.wakeUps.length - 1)] = granted - releasedAt;
    }
    releasedBy = me.instance;
    releasedAt = System.nanoTime();
    release.run();
    return me.instance;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    long[] all;
    synchronized (contestants) {
      all = contestants.stream().map(Contestant::samples).flatMapToLong(Arrays::stream).sorted().toArray();
    }
    if (all.length > 0) {
      System.out.printf(Locale.ROOT, "%n[handoff] %s wake-up p50=%.3f ms p99=%.3f ms (%d cross-instance grants)%n",
          backend, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, all.length);
    }
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }
}
