package dev.baton.benchmarks;

import dev.baton.testkit.EtcdServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import dev.baton.testkit.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the testkit's Redis, etcd, PostgreSQL and MariaDB for {@code benchmarks/run.sh} and
 * keeps them until its standard input ends. Started under {@code taskset}, the servers inherit
 * the CPU it was given, so the benchmark JVM can have the other one. Writes the environment that
 * points the benchmarks at them ({@code BATON_TEST_*}, as the tests read it) to the file named by
 * its one argument, last, so the file's existence says the servers are up.
 */
public final class BenchServers {
  private BenchServers() {}

  /**
   * Starts the servers.
   *
   * @param args the environment file to write
   * @throws IOException if the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: BenchServers <environment file>, got "
          + args.length + " arguments");
    }
    RedisServer redis = RedisServer.shared();
    EtcdServer etcd = EtcdServer.shared();
    PostgresServer postgres = PostgresServer.shared();
    MariaDbServer mariadb = MariaDbServer.shared();
    String env = String.join("\n",
        "BATON_TEST_REDIS_URI=" + redis.uri(),
        "BATON_TEST_ETCD_ENDPOINTS=" + String.join(",", etcd.endpoints()),
        "BATON_TEST_POSTGRES_URL=" + postgres.jdbcUrl(),
        "BATON_TEST_POSTGRES_USER=" + postgres.user(),
        "BATON_TEST_POSTGRES_PASSWORD=" + postgres.password(),
        "BATON_TEST_MARIADB_URL=" + mariadb.jdbcUrl(),
        "BATON_TEST_MARIADB_USER=" + mariadb.user(),
        "BATON_TEST_MARIADB_PASSWORD=" + mariadb.password(), "");
    Path file = Path.of(args[0]);
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, env, StandardCharsets.UTF_8);
    Files.move(partial, file);
    System.out.println("[servers] up: " + env.replace('\n', ' '));
    while (System.in.read() >= 0) {
      // until run.sh closes our input; the testkit's shutdown hook stops the servers
    }
  }
}
