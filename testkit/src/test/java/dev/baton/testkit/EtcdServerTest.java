package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EtcdServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void sharedIsStartedOnceAndServesTheJsonGateway() throws Exception {
    EtcdServer server = EtcdServer.shared();
    assertSame(server, EtcdServer.shared());
    assertEquals("http://127.0.0.1:" + server.port(), server.endpoint());
    assertEquals(List.of(server.endpoint()), server.endpoints());

    Probes.etcdPut(server.endpoint(), "shared/key", "v1", TIMEOUT);
    assertEquals(Optional.of("v1"), Probes.etcdGet(server.endpoint(), "shared/key", false, TIMEOUT));
    assertTrue(Probes.etcdHealth(server.endpoint(), TIMEOUT).body().contains("true"));

    server.close();
    assertTrue(server.isRunning(), "close() on the shared server must do nothing");
    assertTrue(Files.size(server.logFile()) > 0, "server output goes to " + server.logFile());
  }

  @Test
  void pauseResumeKillRestartKeepsData() throws Exception {
    try (EtcdServer server = EtcdServer.start()) {
      String endpoint = server.endpoint();
      Probes.etcdPut(endpoint, "k", "before", TIMEOUT);

      server.pause();
      assertThrows(HttpTimeoutException.class,
          () -> Probes.etcdGet(endpoint, "k", false, Probes.SHORT));

      server.resume();
      assertEquals(Optional.of("before"), Probes.etcdGet(endpoint, "k", false, TIMEOUT));

      server.kill();
      assertFalse(server.isRunning());
      Probes.assertRefused(server.host(), server.port());
      assertThrows(ConnectException.class, () -> Probes.etcdHealth(endpoint, TIMEOUT));

      server.restart();
      assertEquals(endpoint, server.endpoint());
      assertEquals(Optional.of("before"), Probes.etcdGet(endpoint, "k", false, TIMEOUT));
    }
  }

  @Test
  void endpointsFromTheEnvironmentCannotBeFaulted() throws Exception {
    EtcdServer real = EtcdServer.shared();
    String value = real.endpoint() + " , " + real.endpoint() + "/";
    EtcdServer external = EtcdServer.resolveShared(
        Probes.withEnv(Map.of(EtcdServer.ENV_ENDPOINTS, value)));
    assertEquals(List.of(real.endpoint(), real.endpoint() + "/"), external.endpoints());
    assertEquals(real.port(), external.port());
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, external::pause);
    assertTrue(e.getMessage().contains(EtcdServer.ENV_ENDPOINTS), e.getMessage());
    assertThrows(UnsupportedOperationException.class, external::restart);
    external.close();
    assertTrue(real.isRunning());

    assertThrows(IllegalArgumentException.class, () -> EtcdServer.fromEndpoints("127.0.0.1:2379"));
  }

  @Test
  void withNothingInstalledTheMessageSaysWhatToInstall() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EtcdServer.resolveShared(Probes.bare()));
    assertTrue(e.getMessage().contains("apt-get install etcd-server"), e.getMessage());
    assertTrue(e.getMessage().contains("BATON_TEST_ETCD_ENDPOINTS"), e.getMessage());
    IllegalStateException cluster = assertThrows(IllegalStateException.class,
        () -> EtcdCluster.start(Probes.bare(), 3, EtcdConfig.defaults()));
    assertTrue(cluster.getMessage().contains("apt-get install etcd-server"), cluster.getMessage());
  }
}
