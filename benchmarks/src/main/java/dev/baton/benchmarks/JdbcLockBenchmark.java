package dev.baton.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.locks.jdbc.JdbcLockProvider;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended acquire + release with {@link JdbcLockProvider}, one thread, against the floor of
 * any lock on the same database: two round trips with raw JDBC on one dedicated connection, in
 * the same run.
 *
 * <ul>
 *   <li>{@code postgresql} (advisory locks): the floor is {@code pg_try_advisory_lock} +
 *       {@code pg_advisory_unlock}. Baton takes its fencing token ({@code nextval}) in the same
 *       statement as the lock, so it also needs two round trips. The goal is Baton within 20% of
 *       the floor.
 *   <li>{@code mariadb} ({@code GET_LOCK}): the floor is {@code GET_LOCK(?, 0)} +
 *       {@code RELEASE_LOCK(?)}. Baton needs a third round trip: the token upsert in the lock
 *       table after the grant.
 *   <li>{@code h2} (the lock table): the floor is one conditional {@code UPDATE} that takes a free
 *       row + one {@code UPDATE} that frees it. Baton needs a third statement (reading the token
 *       back) and borrows a connection from the DataSource for each operation (here a plain
 *       {@link JdbcDataSource}, so it opens one each time).
 * </ul>
 *
 * <p>The servers are the testkit's (a local binary on loopback, or {@code BATON_TEST_POSTGRES_URL}
 * / {@code BATON_TEST_MARIADB_URL}); H2 is in memory, in this JVM. Every DataSource is the
 * driver's own, unpooled: the session strategies hold their connections themselves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JdbcLockBenchmark {
  private static final long RAW_PG_KEY = 42L; // Baton's keys are 64-bit hashes: no clash in practice
  private static final String RAW_NAME = "bench-raw";
  private static final String RAW_OWNER = "00000000-0000-0000-0000-000000000001";

  @Param({"postgresql", "mariadb", "h2"})
  public String database;

  private JdbcLockProvider locks;
  private Connection raw;
  private PreparedStatement rawLock;
  private PreparedStatement rawUnlock;
  private HikariDataSource peerPool;
  private JdbcTemplateLockProvider shedLock;
  private Lock springJdbcLock;

  @Setup
  public void setUp() throws SQLException {
    DataSource ds = switch (database) {
      case "postgresql" -> DataSources.postgres(PostgresServer.shared());
      case "mariadb" -> DataSources.mariadb(MariaDbServer.shared());
      case "h2" -> h2();
      default -> throw new IllegalArgumentException("unknown database " + database);
    };
    locks = JdbcLockProvider.create(ds);
    peerPool = PeerTables.pool(ds);
    PeerTables.create(peerPool, database);
    shedLock = Peers.shedLock(peerPool);
    springJdbcLock = Peers.jdbcLockRegistry(peerPool).obtain("bench-spring");
    raw = ds.getConnection();
    raw.setAutoCommit(true);
    switch (database) {
      case "postgresql" -> {
        rawLock = raw.prepareStatement("SELECT pg_try_advisory_lock(?)");
        rawUnlock = raw.prepareStatement("SELECT pg_advisory_unlock(?)");
        rawLock.setLong(1, RAW_PG_KEY);
        rawUnlock.setLong(1, RAW_PG_KEY);
      }
      case "mariadb" -> {
        rawLock = raw.prepareStatement("SELECT GET_LOCK(?, 0)");
        rawUnlock = raw.prepareStatement("SELECT RELEASE_LOCK(?)");
        rawLock.setString(1, RAW_NAME);
        rawUnlock.setString(1, RAW_NAME);
      }
      case "h2" -> {
        try (Statement s = raw.createStatement()) {
          s.execute("CREATE TABLE IF NOT EXISTS bench_lock(k VARCHAR(64) PRIMARY KEY, owner VARCHAR(36))");
          s.execute("MERGE INTO bench_lock(k, owner) KEY(k) VALUES ('" + RAW_NAME + "', NULL)");
        }
        rawLock = raw.prepareStatement("UPDATE bench_lock SET owner = ? WHERE k = ? AND owner IS NULL");
        rawUnlock = raw.prepareStatement("UPDATE bench_lock SET owner = NULL WHERE k = ? AND owner = ?");
        rawLock.setString(1, RAW_OWNER);
        rawLock.setString(2, RAW_NAME);
        rawUnlock.setString(1, RAW_NAME);
        rawUnlock.setString(2, RAW_OWNER);
      }
      default -> throw new AssertionError(database);
    }
  }

  @TearDown
  public void tearDown() throws SQLException {
    locks.close();
    raw.close();
    peerPool.close();
  }

  @Benchmark
  public long batonJdbc() {
    return LockCycle.acquireAndRelease(locks, "bench");
  }

  @Benchmark
  public int rawJdbcTwoRoundTrips() throws SQLException {
    if (database.equals("h2")) {
      if (rawLock.executeUpdate() != 1) {
        throw new IllegalStateException("raw row held");
      }
      return rawUnlock.executeUpdate();
    }
    if (!selectTrue(rawLock)) {
      throw new IllegalStateException("raw lock held");
    }
    return selectTrue(rawUnlock) ? 1 : 0;
  }

  /** Runs a one-value SELECT; true if it returned true (PostgreSQL) or 1 (MariaDB). */
  private static boolean selectTrue(PreparedStatement select) throws SQLException {
    try (ResultSet rs = select.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return ds;
  }

  /** Peer: ShedLock's JDBC-template provider, {@code lock} + {@code unlock}. */
  @Benchmark
  public boolean shedLock() {
    SimpleLock lock = shedLock.lock(new LockConfiguration(
            Instant.now(), "bench-shedlock", Peers.LEASE, Duration.ZERO))
        .orElseThrow(() -> new IllegalStateException("ShedLock lock held"));
    lock.unlock();
    return true;
  }

  /** Peer: Spring Integration's {@code JdbcLockRegistry}, {@code tryLock} + {@code unlock}. */
  @Benchmark
  public boolean springJdbcLockRegistry() throws InterruptedException {
    return RedisLockBenchmark.cycle(springJdbcLock);
  }
}
