package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class MariaDbServerTest {

  @Test
  void sharedIsStartedOnceAndLogsInWithAPassword() throws Exception {
    MariaDbServer server = MariaDbServer.shared();
    assertSame(server, MariaDbServer.shared());
    assertEquals("jdbc:mariadb://127.0.0.1:" + server.port() + "/baton", server.jdbcUrl());
    assertEquals("baton", server.user());
    assertEquals("baton", server.password());

    try (Connection connection = Probes.mariadb(server)) {
      assertEquals("1", Probes.queryOne(connection, "select 1"));
      assertEquals("baton@%", Probes.queryOne(connection, "select current_user()"));
      assertEquals("baton", Probes.queryOne(connection, "select database()"));
      assertTrue(Probes.queryOne(connection, "show grants")
          .startsWith("GRANT ALL PRIVILEGES ON *.* TO `baton`@`%`"));
      assertEquals("200", Probes.queryOne(connection, "select @@max_connections"));
      Path pidFile = Path.of(Probes.queryOne(connection, "select @@pid_file"));
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      if (RunAs.isRoot()) {
        assertEquals(Optional.of("mysql"), ProcessHandle.of(pid).flatMap(p -> p.info().user()),
            "as root the server must run as user mysql");
      }
    }
    SQLException denied = assertThrows(SQLException.class,
        () -> Probes.mariadb(server.jdbcUrl(), server.user(), "wrong").close());
    assertTrue(denied.getMessage().contains("Access denied"), denied.getMessage());

    server.close();
    assertTrue(server.isRunning(), "close() on the shared server must do nothing");
    assertTrue(Files.readString(server.logFile()).contains(MariaDbProcess.READY));
  }

  @Test
  void pauseResumeKillRestartKeepsCommittedData() throws Exception {
    try (MariaDbServer server = MariaDbServer.builder()
        .setting("lock-wait-timeout", "7")
        .start()) {
      int port = server.port();
      try (Connection connection = Probes.mariadb(server)) {
        assertEquals("7", Probes.queryOne(connection, "select @@lock_wait_timeout"));
        connection.createStatement().execute("create table t (v varchar(10)) engine=InnoDB");
        connection.createStatement().execute("insert into t values ('kept')");
      }

      server.pause();
      Probes.assertSilent(server.host(), port, new byte[0]);
      server.resume();
      // Protocol version 10 is the first byte of the greeting's payload, after a 4-byte header.
      assertTrue(Probes.firstByte(server.host(), port, new byte[0], Duration.ofSeconds(5)) >= 0);
      try (Connection connection = Probes.mariadb(server)) {
        assertEquals("1", Probes.queryOne(connection, "select 1"));
      }

      server.kill();
      assertFalse(server.isRunning());
      Probes.assertRefused(server.host(), port);

      server.restart();
      assertEquals(port, server.port());
      try (Connection connection = Probes.mariadb(server)) {
        assertEquals("kept", Probes.queryOne(connection, "select v from t"));
      }
    }
  }

  @Test
  void serverFromTheEnvironmentCannotBeFaulted() throws Exception {
    MariaDbServer real = MariaDbServer.shared();
    String url = "jdbc:mysql://127.0.0.1:" + real.port() + "/mysql";
    MariaDbServer external = MariaDbServer.resolveShared(Probes.withEnv(Map.of(
        MariaDbServer.ENV_URL, url)));
    assertEquals(url, external.jdbcUrl());
    assertEquals(real.port(), external.port());
    assertEquals("mysql", external.database());
    assertEquals("baton", external.user());
    try (Connection connection = Probes.mariadb(
        "jdbc:mariadb://127.0.0.1:" + external.port() + "/" + external.database(),
        external.user(), external.password())) {
      assertEquals("mysql", Probes.queryOne(connection, "select database()"));
    }
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, external::pause);
    assertTrue(e.getMessage().contains(MariaDbServer.ENV_URL), e.getMessage());
    external.close();
    assertTrue(real.isRunning());

    assertEquals(3306, JdbcAddress.parse("V", "jdbc:mariadb://h/x", List.of("mariadb"), 3306)
        .port());
  }

  @Test
  void withNothingInstalledTheMessageSaysWhatToInstall() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MariaDbServer.resolveShared(Probes.bare()));
    assertTrue(e.getMessage().contains("apt-get install mariadb-server"), e.getMessage());
    assertTrue(e.getMessage().contains(MariaDbServer.ENV_URL), e.getMessage());
  }
}
