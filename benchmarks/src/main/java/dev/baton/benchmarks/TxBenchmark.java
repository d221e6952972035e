package dev.baton.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.testkit.PostgresServer;
import dev.baton.tx.Transactor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A one-row UPDATE in its own transaction on PostgreSQL, one thread: {@code inTransaction}
 * against the same transaction written by hand in JDBC (getConnection, setAutoCommit(false),
 * executeUpdate, commit, close), both through the same HikariCP pool on the same server in the
 * same run. Each updates its own row, so neither waits for the other. The server is the
 * testkit's (a local PostgreSQL on loopback, or BATON_TEST_POSTGRES_URL).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TxBenchmark {
  private static final String UPDATE = "UPDATE bench_tx SET v = v + 1 WHERE id = ?";

  private HikariDataSource pool;
  private Transactor transactor;
  private TransactionTemplate spring;
  private JdbcTemplate springJdbc;
  private Jdbi jdbi;

  @Setup
  public void setUp() throws SQLException {
    PostgresServer server = PostgresServer.shared();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setUsername(server.user());
    config.setPassword(server.password());
    config.setMaximumPoolSize(2);
    pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS bench_tx (id INT PRIMARY KEY, v BIGINT NOT NULL)");
      s.execute("INSERT INTO bench_tx VALUES (1, 0), (2, 0), (3, 0), (4, 0) ON CONFLICT DO NOTHING");
    }
    transactor = Transactor.create(pool);
    spring = Peers.transactionTemplate(pool);
    springJdbc = new JdbcTemplate(pool);
    jdbi = Peers.jdbi(pool);
  }

  /**
   * Thousands of updates a second of one row leave dead row versions behind faster than
   * autovacuum clears them, and each iteration would be slower than the last: whichever
   * benchmark ran second would pay for the first. Vacuuming before each iteration starts both
   * from the same table.
   */
  @Setup(Level.Iteration)
  public void vacuum() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("VACUUM bench_tx");
    }
  }

  @TearDown
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public int batonInTransaction() throws SQLException {
    return transactor.inTransaction(c -> update(c, 1));
  }

  @Benchmark
  public int rawJdbc() throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      int updated = update(c, 2);
      c.commit();
      return updated;
    }
  }

  /** Peer: Spring's {@code TransactionTemplate} with a {@code JdbcTemplate} update. */
  @Benchmark
  public int springTransactionTemplate() {
    Integer updated = spring.execute(status -> springJdbc.update(UPDATE, 3));
    return updated == null ? 0 : updated;
  }

  /** Peer: Jdbi's {@code inTransaction} with a handle update. */
  @Benchmark
  public int jdbiInTransaction() {
    return jdbi.inTransaction(handle -> handle.execute(UPDATE, 4));
  }

  private static int update(Connection c, int id) throws SQLException {
    try (PreparedStatement update = c.prepareStatement(UPDATE)) {
      update.setInt(1, id);
      return update.executeUpdate();
    }
  }
}
