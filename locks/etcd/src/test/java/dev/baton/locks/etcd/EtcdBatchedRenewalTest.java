package dev.baton.locks.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.testkit.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, item 10, on a real etcd: kept-alive leases due together are owner-checked by one
 * transaction per batch (counted in the server's own gRPC metrics), none is lost, and a lease
 * whose key was deleted behind its back is lost in its batch alone.
 */
@Timeout(120)
class EtcdBatchedRenewalTest {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final String NAMESPACE = "baton/lock/";

  /** Transactions the server has answered so far, from its Prometheus metrics. */
  private static long txns(EtcdServer server) throws Exception {
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.endpoint() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    long total = 0;
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("grpc_server_handled_total{") && line.contains("grpc_method=\"Txn\"")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  @Test
  void keptAliveLeasesShareOneOwnerCheckPerBatch() throws Exception {
    try (EtcdServer server = EtcdServer.start();
        EtcdLockProvider locks = EtcdLockProvider.create(server.endpoints().toArray(String[]::new))) {
      AtomicInteger lost = new AtomicInteger();
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        leases.add(locks.tryAcquire("batched-" + i, LEASE).orElseThrow()
            .onLost(lost::incrementAndGet).keepAlive());
      }
      long before = txns(server);
      long start = System.nanoTime();
      Thread.sleep(4_000);
      long txns = txns(server) - before;
      double renewalsDue = 100.0 * (System.nanoTime() - start) / (LEASE.toNanos() / 3.0);
      assertEquals(0, lost.get(), "kept-alive leases lost");
      assertTrue(txns * 10 <= renewalsDue, txns + " transactions for " + (long) renewalsDue
          + " renewals due");
      for (Lease lease : leases) {
        assertTrue(lease.isValid(), lease + " is not valid");
        assertTrue(lease.release(), lease + " could not be released");
      }
    }
  }

  @Test
  void aLeaseWhoseKeyWasDeletedIsLostInItsBatchAlone() throws Exception {
    EtcdServer server = EtcdServer.shared();
    String prefix = "deleted-" + System.nanoTime() + "-";
    try (EtcdLockProvider locks = EtcdLockProvider.create(server.endpoints().toArray(String[]::new));
        Client raw = Client.builder().endpoints(server.endpoints().toArray(String[]::new)).build()) {
      AtomicInteger lostVictim = new AtomicInteger();
      AtomicInteger lostOthers = new AtomicInteger();
      Lease victim = locks.tryAcquire(prefix + "victim", LEASE).orElseThrow()
          .onLost(lostVictim::incrementAndGet).keepAlive();
      List<Lease> others = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        others.add(locks.tryAcquire(prefix + i, LEASE).orElseThrow()
            .onLost(lostOthers::incrementAndGet).keepAlive());
      }
      // Every key under the victim's name goes: its lock key, whatever its exact layout.
      ByteSequence victimPrefix = new EtcdKeys(NAMESPACE).prefix(prefix + "victim");
      raw.getKVClient().delete(victimPrefix, DeleteOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (lostVictim.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, lostVictim.get(), "the lease whose key was deleted was not told");
      assertFalse(victim.isValid());
      Thread.sleep(2_200); // two more renewals of the others
      assertEquals(0, lostOthers.get(), "leases lost with the deleted one");
      for (Lease lease : others) {
        assertTrue(lease.isValid(), lease + " is not valid");
        assertTrue(lease.release());
      }
    }
  }
}
