package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisServerTest {

  @Test
  void sharedIsStartedOnceAndServesSetAndGet() throws Exception {
    RedisServer server = RedisServer.shared();
    assertSame(server, RedisServer.shared());
    assertEquals("127.0.0.1", server.host());
    assertEquals("redis://127.0.0.1:" + server.port(), server.uri());

    assertEquals("OK", Probes.redis(server, "SET", "shared-key", "v1"));
    assertEquals("v1", Probes.redis(server, "GET", "shared-key"));

    server.close();
    assertTrue(server.isRunning(), "close() on the shared server must do nothing");
    assertEquals("v1", Probes.redis(server, "GET", "shared-key"));
    assertTrue(Files.size(server.logFile()) > 0, "server output goes to " + server.logFile());
  }

  @Test
  void pauseResumeKillRestart() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      int port = server.port();
      assertEquals("PONG", Probes.redis(server, "PING"));

      server.pause();
      assertTrue(server.isRunning());
      Probes.assertSilent(server.host(), port, "PING\r\n".getBytes());

      server.resume();
      assertEquals("PONG", Probes.redis(server, "PING"));

      server.kill();
      assertFalse(server.isRunning());
      Probes.assertRefused(server.host(), port);
      server.kill(); // idempotent

      server.restart();
      assertTrue(server.isRunning());
      assertEquals(port, server.port());
      assertEquals("PONG", Probes.redis(server, "PING"));
      assertNull(Probes.redis(server, "GET", "anything"), "no persistence by default");
    }
  }

  @Test
  void appendOnlyDataSurvivesKillAndRestart() throws Exception {
    try (RedisServer server = RedisServer.builder().appendOnly(true).start()) {
      assertEquals("OK", Probes.redis(server, "SET", "durable", "yes"));
      server.kill();
      server.restart();
      assertEquals("yes", Probes.redis(server, "GET", "durable"));
    }
  }

  @Test
  void restartOfARunningServerKeepsThePort() throws Exception {
    try (RedisServer server = RedisServer.builder().appendOnly(true).start()) {
      int port = server.port();
      Probes.redis(server, "SET", "k", "v");
      server.restart();
      assertEquals(port, server.port());
      assertEquals("v", Probes.redis(server, "GET", "k"));
    }
  }

  @Test
  void passwordAndAclUserAreRequired() throws Exception {
    try (RedisServer server = RedisServer.builder()
        .requirePass("s3cret")
        .user("app", "app-pw")
        .start()) {
      assertEquals("redis://app:app-pw@127.0.0.1:" + server.port(), server.uri());
      assertEquals("app", server.user().orElseThrow());
      try (Resp resp = Resp.connect(server.host(), server.port(), Duration.ofSeconds(5))) {
        assertTrue(resp.call("PING").startsWith("-NOAUTH"));
        assertTrue(resp.call("AUTH", "app", "wrong").startsWith("-WRONGPASS"));
        assertEquals("OK", resp.call("AUTH", "app", "app-pw"));
        assertEquals("PONG", resp.call("PING"));
        assertEquals("OK", resp.call("AUTH", "s3cret"));
      }
    }
  }

  @Test
  void passwordOnlyUri() throws Exception {
    try (RedisServer server = RedisServer.builder().requirePass("p@ss:w/rd").start()) {
      assertEquals("redis://:p%40ss%3Aw%2Frd@127.0.0.1:" + server.port(), server.uri());
      assertEquals("PONG", Probes.redis(server, "PING"));
    }
  }

  @Test
  void aFailingStartShowsTheCommandAndTheLogTail() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RedisServer.builder().arg("--no-such-directive", "x")
            .startupTimeout(Duration.ofSeconds(20)).start());
    String message = e.getMessage();
    assertTrue(message.contains("exited with code"), message);
    assertTrue(message.contains("command: ") && message.contains("--no-such-directive"), message);
    assertTrue(message.contains("Bad directive or wrong number of arguments"), message);
  }

  @Test
  void serverFromTheEnvironmentCannotBeFaulted() throws Exception {
    try (RedisServer real = RedisServer.builder().requirePass("pw").start()) {
      String uri = "redis://:pw@127.0.0.1:" + real.port();
      RedisServer external = RedisServer.resolveShared(
          Probes.withEnv(Map.of(RedisServer.ENV_URI, uri)));
      assertEquals(uri, external.uri());
      assertEquals(real.port(), external.port());
      assertEquals("pw", external.password().orElseThrow());
      assertEquals("PONG", Probes.redis(external, "PING"));

      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, external::pause);
      assertTrue(e.getMessage().contains(RedisServer.ENV_URI), e.getMessage());
      assertThrows(UnsupportedOperationException.class, external::kill);
      assertThrows(UnsupportedOperationException.class, external::restart);
      assertThrows(UnsupportedOperationException.class, external::isRunning);
      external.close();
      assertEquals("PONG", Probes.redis(real, "PING"));
    }
  }

  @Test
  void anUnreachableServerInTheEnvironmentIsReportedAtOnce() {
    int port = Ports.free();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RedisServer.resolveShared(Probes.withEnv(
            Map.of(RedisServer.ENV_URI, "redis://127.0.0.1:" + port))));
    assertTrue(e.getMessage().contains(RedisServer.ENV_URI), e.getMessage());
  }

  @Test
  void withNothingInstalledTheMessageSaysWhatToInstall() {
    IllegalStateException shared = assertThrows(IllegalStateException.class,
        () -> RedisServer.resolveShared(Probes.bare()));
    assertTrue(shared.getMessage().contains("apt-get install redis-server"), shared.getMessage());
    assertTrue(shared.getMessage().contains("set BATON_TEST_REDIS_URI"), shared.getMessage());
    assertTrue(shared.getMessage().contains("start Docker"), shared.getMessage());

    IllegalStateException own = assertThrows(IllegalStateException.class,
        () -> RedisServer.launch(Probes.bare(), RedisConfig.defaults(), true, false));
    assertTrue(own.getMessage().contains("apt-get install redis-server"), own.getMessage());
  }
}
