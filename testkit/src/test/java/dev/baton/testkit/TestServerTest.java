package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TestServerTest {
  private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

  /** The fault methods work through the common type, as in a test parameterised over servers. */
  @Test
  void faultsWorkThroughTheCommonType() throws Exception {
    TestServer server = RedisServer.start();
    try {
      assertTrue(server.toString().startsWith("RedisServer["), server.toString());
      String host = server.host();
      int port = server.port();
      assertEquals('+', answer(server));

      server.pause();
      assertTrue(server.isRunning());
      Probes.assertSilent(host, port, PING);

      server.resume();
      assertEquals('+', answer(server));

      server.kill();
      assertFalse(server.isRunning());
      Probes.assertRefused(host, port);

      server.restart();
      assertTrue(server.isRunning());
      assertEquals(port, server.port());
      assertEquals('+', answer(server));
    } finally {
      server.close();
    }
    assertFalse(server.isRunning(), "close() stops a private server");
  }

  /** The first byte of the answer to PING: '+' for +PONG. */
  private static int answer(TestServer server) throws Exception {
    return Probes.firstByte(server.host(), server.port(), PING, Duration.ofSeconds(5));
  }
}
