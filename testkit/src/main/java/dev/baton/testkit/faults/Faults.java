package dev.baton.testkit.faults;

import dev.baton.testkit.EtcdCluster;
import dev.baton.testkit.EtcdServer;
import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in faults of the nemesis. Each undoes itself before it returns and throws when it
 * cannot be injected, so a run whose faults did not happen fails. Times are multiples of the
 * run's lease time, so a fault always outlasts a lease.
 *
 * <p>Thread-safe: a factory of stateless faults.
 */
public final class Faults {
  private static final Duration HOLDER_WAIT = Duration.ofSeconds(15);
  private static final Duration DOWN = Duration.ofMillis(300);
  private static final Pattern MEMBER = Pattern.compile("\"member_id\"\\s*:\\s*\"?(\\d+)");
  private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"?(\\d+)");

  private Faults() {}

  /**
   * A fault of your own.
   *
   * @param name its name in the log and {@code [faults]} lines: lower-case letters, digits and
   *     dashes
   * @param action what it does (and undoes)
   * @return the fault
   * @throws IllegalArgumentException if the name is not of that form
   */
  public static Fault of(String name, Injection action) {
    FaultScenario.checkName("fault name", name);
    Objects.requireNonNull(action, "action");
    return new Fault() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void inject(FaultContext context) throws Exception {
        action.inject(context);
      }
    };
  }

  /**
   * Freezes (SIGSTOP) the worker JVM holding a long grant, mid-work, for three lease times,
   * then thaws it: the classic paused holder, which must be told its lease is lost and whose
   * writes the fence must refuse.
   *
   * @return the fault {@code pause-holder}
   */
  public static Fault pauseHolder() {
    return of("pause-holder", context -> {
      String holder = context.awaitLongHolder(HOLDER_WAIT).orElseThrow(() ->
          new IllegalStateException("pause-holder: no worker held a long grant within "
              + HOLDER_WAIT + ", so no holder could be paused"));
      context.pauseWorker(holder);
      try {
        context.sleep(context.lease().multipliedBy(3));
      } finally {
        context.resumeWorker(holder);
      }
    });
  }

  /**
   * Kills the worker JVM holding a long grant (or, if none does within 15 s, the first) with
   * SIGKILL and starts it again; with the in-JVM store this restarts the store.
   *
   * @return the fault {@code worker-restart}
   */
  public static Fault restartWorker() {
    return of("worker-restart", context -> {
      String worker = context.awaitLongHolder(HOLDER_WAIT).orElse(context.workers().get(0));
      context.restartWorker(worker);
    });
  }

  /**
   * Kills the store with SIGKILL, leaves it down for a moment, and restarts it (same port,
   * same data dir: what survives is the server's persistence).
   *
   * @param store the store the backend talks to; one the testkit runs from its binary
   * @return the fault {@code store-restart}
   */
  public static Fault restartStore(TestServer store) {
    Objects.requireNonNull(store, "store");
    return of("store-restart", context -> {
      context.note("store-killed", store.toString());
      store.kill();
      context.sleep(DOWN);
      store.restart();
      context.note("store-restarted", store.toString());
    });
  }

  /**
   * Freezes the store (SIGSTOP to its process tree) for two and a half lease times, then
   * thaws it: clients see time-outs, leases run out.
   *
   * @param store the store the backend talks to; one the testkit runs from its binary
   * @return the fault {@code store-freeze}
   */
  public static Fault freezeStore(TestServer store) {
    Objects.requireNonNull(store, "store");
    return of("store-freeze", context -> {
      context.note("store-frozen", store.toString());
      store.pause();
      try {
        context.sleep(context.lease().multipliedBy(5).dividedBy(2));
      } finally {
        store.resume();
      }
      context.note("store-thawed", store.toString());
    });
  }

  /**
   * Ends the lock sessions of a database by SQL from an outside connection, e.g.
   * {@code SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ...}, or a MariaDB
   * procedure that runs {@code KILL CONNECTION} for each. Needs the database's JDBC driver on
   * the class path.
   *
   * @param database the database the backend talks to
   * @param sql the statement that terminates the sessions
   * @return the fault {@code session-kill}
   */
  public static Fault terminateSessions(JdbcTestServer database, String sql) {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(sql, "sql");
    return of("session-kill", context -> {
      try (Connection connection = DriverManager.getConnection(database.jdbcUrl(),
          database.user(), database.password());
          Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(10);
        statement.execute(sql);
      }
      context.note("sessions-terminated", database.toString());
    });
  }

  /**
   * Kills the current leader of an etcd cluster with SIGKILL, waits a lease time (the others
   * elect a new leader) and restarts it; it rejoins and catches up.
   *
   * @param cluster a cluster of at least three members
   * @return the fault {@code leader-restart}
   */
  public static Fault restartEtcdLeader(EtcdCluster cluster) {
    Objects.requireNonNull(cluster, "cluster");
    if (cluster.size() < 3) {
      throw new IllegalArgumentException("restartEtcdLeader needs a cluster of at least 3"
          + " members, got " + cluster.size());
    }
    return of("leader-restart", context -> {
      EtcdServer leader = leader(cluster);
      context.note("leader-killed", leader.endpoint());
      leader.kill();
      context.sleep(context.lease());
      leader.restart();
      context.note("store-restarted", leader.endpoint());
    });
  }

  /** The member that says it is the leader; an exception when none does within 10 s. */
  static EtcdServer leader(EtcdCluster cluster) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() - deadline < 0) {
      for (EtcdServer member : cluster.members()) {
        try {
          HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                  URI.create(member.endpoint() + "/v3/maintenance/status"))
              .timeout(Duration.ofSeconds(2))
              .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
              HttpResponse.BodyHandlers.ofString());
          Matcher id = MEMBER.matcher(response.body());
          Matcher leader = LEADER.matcher(response.body());
          if (id.find() && leader.find() && id.group(1).equals(leader.group(1))) {
            return member;
          }
        } catch (java.io.IOException e) {
          // a member that is down or restarting: ask the next
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("No member of " + cluster + " said it leads within 10 s");
  }

  /**
   * What a fault of your own does, for {@link #of}.
   *
   * <p>Implementations need not be thread-safe.
   */
  @FunctionalInterface
  public interface Injection {

    /**
     * Injects the fault once and undoes it.
     *
     * @param context the run
     * @throws Exception if it cannot be injected or undone
     */
    void inject(FaultContext context) throws Exception;
  }
}
