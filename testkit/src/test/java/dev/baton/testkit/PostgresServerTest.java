package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class PostgresServerTest {

  @Test
  void sharedIsStartedOnceAndLogsInWithAPassword() throws Exception {
    PostgresServer server = PostgresServer.shared();
    assertSame(server, PostgresServer.shared());
    assertEquals("jdbc:postgresql://127.0.0.1:" + server.port() + "/baton", server.jdbcUrl());
    assertEquals("baton", server.user());
    assertEquals("baton", server.password());

    try (Connection connection = Probes.postgres(server)) {
      assertEquals("1", Probes.queryOne(connection, "select 1"));
      assertEquals("baton", Probes.queryOne(connection, "select current_user"));
      assertEquals("baton", Probes.queryOne(connection, "select current_database()"));
      assertEquals("200", Probes.queryOne(connection, "show max_connections"));
      assertEquals("off", Probes.queryOne(connection, "show fsync"));
      long backend = Long.parseLong(Probes.queryOne(connection, "select pg_backend_pid()"));
      if (RunAs.isRoot()) {
        assertEquals(Optional.of("postgres"), ProcessHandle.of(backend).flatMap(p -> p.info().user()),
            "as root the server must run as user postgres");
      }
    }
    SQLException denied = assertThrows(SQLException.class,
        () -> Probes.postgres(server.jdbcUrl(), server.user(), "wrong").close());
    assertEquals("28P01", denied.getSQLState(), "password authentication, not trust");

    server.close();
    assertTrue(server.isRunning(), "close() on the shared server must do nothing");
    assertTrue(Files.readString(server.logFile()).contains(PostgresProcess.READY));
  }

  @Test
  void pauseResumeKillRestartKeepsCommittedData() throws Exception {
    try (PostgresServer server = PostgresServer.builder()
        .setting("lock_timeout", "5s")
        .startupTimeout(Duration.ofSeconds(60))
        .start()) {
      int port = server.port();
      long backend;
      try (Connection connection = Probes.postgres(server)) {
        assertEquals("5s", Probes.queryOne(connection, "show lock_timeout"));
        // The testkit's server runs with synchronous_commit = off (speed): a commit may still
        // be in the WAL writer's buffer when the server is killed. This session waits for it.
        connection.createStatement().execute("set synchronous_commit = on");
        connection.createStatement().execute("create table t (v text)");
        connection.createStatement().execute("insert into t values ('kept')");
        backend = Long.parseLong(Probes.queryOne(connection, "select pg_backend_pid()"));

        server.pause();
        Probes.assertSilent(server.host(), port, Probes.postgresSslRequest());
        server.resume();
        assertEquals("N", Character.toString(Probes.firstByte(server.host(), port,
            Probes.postgresSslRequest(), Duration.ofSeconds(5))));
        assertEquals("1", Probes.queryOne(connection, "select 1"), "the open session survives");

        server.kill();
      }
      assertFalse(server.isRunning());
      // A killed backend may linger as a zombie until init reaps it; that counts as gone.
      assertTrue(ProcessHandle.of(backend).map(p -> Signals.awaitExit(java.util.List.of(p),
          Duration.ofSeconds(5))).orElse(true), "kill() must take the backends down too");
      Probes.assertRefused(server.host(), port);

      server.restart();
      assertEquals(port, server.port());
      try (Connection connection = Probes.postgres(server)) {
        assertEquals("kept", Probes.queryOne(connection, "select v from t"));
      }
    }
  }

  @Test
  void serverFromTheEnvironmentCannotBeFaulted() throws Exception {
    PostgresServer real = PostgresServer.shared();
    String url = "jdbc:postgresql://127.0.0.1:" + real.port() + "/postgres?sslmode=disable";
    PostgresServer external = PostgresServer.resolveShared(Probes.withEnv(Map.of(
        PostgresServer.ENV_URL, url, PostgresServer.ENV_USER, "baton",
        PostgresServer.ENV_PASSWORD, "baton")));
    assertEquals(url, external.jdbcUrl());
    assertEquals(real.port(), external.port());
    assertEquals("postgres", external.database());
    try (Connection connection = Probes.postgres(external.jdbcUrl(), external.user(),
        external.password())) {
      assertEquals("postgres", Probes.queryOne(connection, "select current_database()"));
    }
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, external::kill);
    assertTrue(e.getMessage().contains(PostgresServer.ENV_URL), e.getMessage());
    external.close();
    assertTrue(real.isRunning());
  }

  @Test
  void jdbcUrlsAreParsed() {
    assertEquals(new JdbcAddress("db.example", 5433, "app"), JdbcAddress.parse("V",
        "jdbc:postgresql://db.example:5433/app?ssl=true", java.util.List.of("postgresql"), 5432));
    assertEquals(new JdbcAddress("db", 5432, ""), JdbcAddress.parse("V",
        "jdbc:postgresql://db", java.util.List.of("postgresql"), 5432));
    assertEquals(new JdbcAddress("::1", 5432, "x"), JdbcAddress.parse("V",
        "jdbc:postgresql://[::1]/x", java.util.List.of("postgresql"), 5432));
    assertEquals(new JdbcAddress("h1", 1, "x"), JdbcAddress.parse("V",
        "jdbc:postgresql://h1:1,h2:2/x", java.util.List.of("postgresql"), 5432));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JdbcAddress.parse("V", "jdbc:mysql://h/x", java.util.List.of("postgresql"), 5432));
    assertTrue(e.getMessage().contains("V=jdbc:mysql://h/x"), e.getMessage());
  }

  @Test
  void withNothingInstalledTheMessageSaysWhatToInstall() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PostgresServer.resolveShared(Probes.bare()));
    assertTrue(e.getMessage().contains("apt-get install postgresql"), e.getMessage());
    assertTrue(e.getMessage().contains(PostgresServer.ENV_URL), e.getMessage());
  }
}
