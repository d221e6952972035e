package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class EtcdClusterTest {
  private static final Duration REQUEST = Duration.ofSeconds(3);
  private static final Duration SETTLE = Duration.ofSeconds(20);

  @Test
  void survivesALostMemberWhichCatchesUpAfterRestart() throws Exception {
    try (EtcdCluster cluster = EtcdCluster.start(3)) {
      assertEquals(3, cluster.size());
      assertEquals(3, cluster.endpoints().stream().distinct().count());

      Probes.etcdPut(cluster.member(0).endpoint(), "a", "1", REQUEST);
      assertEquals(Optional.of("1"),
          Probes.etcdGet(cluster.member(2).endpoint(), "a", false, REQUEST));

      EtcdServer lost = cluster.member(0);
      int lostPort = lost.port();
      lost.kill();
      assertFalse(lost.isRunning());
      Probes.assertRefused(lost.host(), lostPort);

      // The two others keep a quorum (after a new election if the lost member led).
      assertTrue(Probes.eventually(SETTLE, () -> {
        Probes.etcdPut(cluster.member(1).endpoint(), "b", "2", REQUEST);
        return true;
      }), "writes via member 1 with member 0 dead");
      assertEquals(Optional.of("2"),
          Probes.etcdGet(cluster.member(2).endpoint(), "b", false, REQUEST));

      lost.restart();
      assertEquals(lostPort, lost.port());
      assertTrue(Probes.eventually(SETTLE, () -> Probes.etcdGet(lost.endpoint(), "b", true,
          REQUEST).equals(Optional.of("2"))), "member 0 caught up after restart");
    }
  }

  @Test
  void aPausedMemberIsSilentWhileTheOthersServe() throws Exception {
    try (EtcdCluster cluster = EtcdCluster.start(3)) {
      EtcdServer frozen = cluster.member(2);
      frozen.pause();
      assertThrows(HttpTimeoutException.class,
          () -> Probes.etcdHealth(frozen.endpoint(), Probes.SHORT));
      assertTrue(Probes.eventually(SETTLE, () -> {
        Probes.etcdPut(cluster.member(0).endpoint(), "c", "3", REQUEST);
        return true;
      }), "writes via member 0 with member 2 frozen");

      frozen.resume();
      assertTrue(Probes.eventually(SETTLE, () -> Probes.etcdGet(frozen.endpoint(), "c", true,
          REQUEST).equals(Optional.of("3"))), "member 2 caught up after resume");
      frozen.close(); // owned by the cluster: does nothing
      assertTrue(frozen.isRunning());
    }
  }
}
