package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void freePortsAreDistinctAndBindable() {
    int[] ports = Ports.free(6);
    assertEquals(6, Arrays.stream(ports).distinct().count());
    for (int port : ports) {
      assertTrue(port > 0 && port < 65536, "port " + port);
      assertTrue(!Tcp.canConnect(Ports.LOOPBACK, port, java.time.Duration.ofMillis(200)),
          "nothing listens on " + port);
    }
  }
}
