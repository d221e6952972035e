package dev.baton.locks.jdbc;

import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import dev.baton.testkit.RedisServer;
import dev.baton.testkit.faults.Fault;
import dev.baton.testkit.faults.FaultScenario;
import dev.baton.testkit.faults.Faults;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDBC strategies and the fallback Redis→PostgreSQL under the fault suite (testkit's
 * {@code dev.baton.testkit.faults}): holders paused past their lease, the lock sessions ended
 * from outside ({@code pg_terminate_backend}, {@code KILL CONNECTION}), and for the fallback
 * its Redis killed and restarted without persistence and frozen. Private servers, since their
 * sessions are killed.
 */
@Timeout(300)
class JdbcFaultSuiteTest {
  private static final String PG_TERMINATE = "SELECT pg_terminate_backend(pid) FROM"
      + " pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()";
  private static PostgresServer postgres;

  @BeforeAll
  static void start() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  private static FaultScenario.Builder scenario(String name, JdbcTestServer db, String strategy) {
    return FaultScenario.builder(name, JdbcFaultBackend.class)
        .property("url", db.jdbcUrl())
        .property("user", db.user())
        .property("password", db.password())
        .property("strategy", strategy)
        .seconds(8);
  }

  @Test
  void postgresAdvisoryLocks() throws Exception {
    FaultScenario s = scenario("pg-advisory", postgres, "POSTGRESQL_ADVISORY")
        .fault(Faults.pauseHolder())
        .fault(Faults.terminateSessions(postgres, PG_TERMINATE))
        .build();
    s.run().assertSafe(s.faultKinds());
  }

  @Test
  void postgresLockTable() throws Exception {
    FaultScenario s = scenario("pg-lock-table", postgres, "LOCK_TABLE")
        .fault(Faults.pauseHolder())
        .fault(Faults.terminateSessions(postgres, PG_TERMINATE))
        .build();
    s.run().assertSafe(s.faultKinds());
  }

  @Test
  void mariaDbGetLock() throws Exception {
    try (MariaDbServer mariadb = MariaDbServer.start()) {
      FaultScenario s = scenario("mariadb-get-lock", mariadb, "MYSQL_GET_LOCK")
          .fault(Faults.pauseHolder())
          .fault(killConnections(mariadb))
          .build();
      s.run().assertSafe(s.faultKinds());
    }
  }

  @Test
  void fallbackFromRedisToPostgres() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      FaultScenario s = scenario("fallback-redis-pg", postgres, "POSTGRESQL_ADVISORY")
          .property("redis", redis.uri())
          .seconds(10)
          .fault(Faults.restartStore(redis))
          .fault(Faults.pauseHolder())
          .fault(Faults.freezeStore(redis))
          .build();
      // A shared fallback (sharedFallback): the Redis outages here are seen by every worker,
      // so exclusion and token order hold across the switches, as for any backend.
      s.run().assertSafe(s.faultKinds());
    }
  }

  /** MariaDB has no terminate-all: list the other sessions of the lock user and kill each. */
  private static Fault killConnections(JdbcTestServer db) {
    return Faults.of("session-kill", context -> {
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          Statement s = c.createStatement()) {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT id FROM information_schema.processlist"
            + " WHERE id <> CONNECTION_ID() AND user = '" + db.user() + "'")) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        for (long id : ids) {
          try {
            s.execute("KILL CONNECTION " + id);
          } catch (java.sql.SQLException gone) {
            // it ended meanwhile
          }
        }
        context.note("sessions-terminated", ids.size() + " on " + db);
      }
    });
  }
}
