package dev.baton.locks.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import dev.baton.testkit.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
  /**
   * The shared-lease tests renew every 2 s: the first renewal of each key also moves it (a
   * write), so on a busy machine a 3 s lease left too little time.
   */
  private static final Duration SHARED_LEASE = Duration.ofSeconds(6);

  /** A fresh server may take a while to answer on a busy machine. */
  private static void awaitServer(EtcdLockProvider locks) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        locks.tryAcquire("warm-up", Duration.ofSeconds(1)).ifPresent(Lease::release);
        return;
      } catch (dev.baton.locks.LockUnavailableException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** Transactions the server has answered so far, from its Prometheus metrics. */
  private static long txns(EtcdServer server) throws Exception {
    return handled(server, "Txn");
  }

  /** Calls (streams, for a streaming method) of {@code method} the server has handled so far. */
  private static long handled(EtcdServer server, String method) throws Exception {
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.endpoint() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    long total = 0;
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("grpc_server_handled_total{")
          && line.contains("grpc_method=\"" + method + "\"")) {
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

  /** The etcd lease of every key under {@code namespace}. */
  private static Set<Long> leasesOfKeys(Client raw, String namespace) throws Exception {
    ByteSequence keys = ByteSequence.from(namespace, StandardCharsets.UTF_8);
    return raw.getKVClient().get(keys, GetOption.builder().isPrefix(true).build())
        .get(10, TimeUnit.SECONDS).getKvs().stream().map(KeyValue::getLease).collect(Collectors.toSet());
  }

  @Test
  void keptAliveKeysShareOneEtcdLeaseAndOneKeepAlivePerBatch() throws Exception {
    try (EtcdServer server = EtcdServer.start();
        EtcdLockProvider locks = EtcdLockProvider.create(server.endpoints().toArray(String[]::new));
        Client raw = Client.builder().endpoints(server.endpoints().toArray(String[]::new)).build()) {
      awaitServer(locks);
      AtomicInteger lost = new AtomicInteger();
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        leases.add(locks.tryAcquire("shared-" + i, SHARED_LEASE).orElseThrow()
            .onLost(lost::incrementAndGet).keepAlive());
      }
      Thread.sleep(4_000); // the first renewal round moves every key onto the shared lease
      assertEquals(1, leasesOfKeys(raw, NAMESPACE).size(), "kept-alive keys on more than one etcd lease");
      long before = handled(server, "LeaseKeepAlive");
      long start = System.nanoTime();
      Thread.sleep(4_000);
      long keepAlives = handled(server, "LeaseKeepAlive") - before;
      double renewalsDue = 100.0 * (System.nanoTime() - start) / (SHARED_LEASE.toNanos() / 3.0);
      assertEquals(0, lost.get(), "kept-alive leases lost");
      // One keep-alive per lease and renewal would be about 200; one per batch a handful.
      assertTrue(keepAlives * 10 <= renewalsDue, keepAlives + " keep-alive streams for "
          + (long) renewalsDue + " renewals due");
      Lease first = leases.get(0);
      assertTrue(first.release(), "a lease on the shared etcd lease could not be released");
      Thread.sleep(4_200); // two more renewals of the others, after one key left the shared lease
      assertEquals(0, lost.get(), "releasing one lease on the shared etcd lease lost others");
      for (Lease lease : leases.subList(1, leases.size())) {
        assertTrue(lease.isValid(), lease + " is not valid");
        assertTrue(lease.release(), lease + " could not be released");
      }
      assertTrue(leasesOfKeys(raw, NAMESPACE).isEmpty(), "keys left after every lease was released");
    }
  }

  @Test
  void aSharedEtcdLeaseThatEndsLosesEveryLeaseOnItAndANewOneIsGranted() throws Exception {
    EtcdServer server = EtcdServer.shared();
    String prefix = "revoked-" + System.nanoTime() + "/";
    try (EtcdLockProvider locks = EtcdLockProvider.builder(server.endpoints().toArray(String[]::new))
            .namespace(prefix).build();
        Client raw = Client.builder().endpoints(server.endpoints().toArray(String[]::new)).build()) {
      CountDownLatch lost = new CountDownLatch(20);
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        leases.add(locks.tryAcquire(prefix + i, SHARED_LEASE).orElseThrow().onLost(lost::countDown).keepAlive());
      }
      Thread.sleep(4_000); // moved onto the shared lease by the first renewal round
      Set<Long> sharedLease = leasesOfKeys(raw, prefix);
      assertEquals(1, sharedLease.size(), "keys on " + sharedLease);
      raw.getLeaseClient().revoke(sharedLease.iterator().next()).get(10, TimeUnit.SECONDS);
      assertTrue(lost.await(20, TimeUnit.SECONDS), lost.getCount() + " of 20 leases on the revoked"
          + " shared etcd lease were not told they were lost");
      for (Lease lease : leases) {
        assertFalse(lease.isValid(), lease + " is valid although etcd deleted its key");
      }
      AtomicInteger lostAfter = new AtomicInteger();
      Lease again = locks.tryAcquire(prefix + "again", SHARED_LEASE).orElseThrow()
          .onLost(lostAfter::incrementAndGet).keepAlive();
      Thread.sleep(7_000); // past its first lease time: renewed on a new shared lease
      assertEquals(0, lostAfter.get(), "a lease kept alive after the shared lease ended was lost");
      assertTrue(again.isValid());
      Set<Long> now = leasesOfKeys(raw, prefix);
      assertEquals(1, now.size());
      assertFalse(now.equals(sharedLease), "the revoked shared lease was used again");
      assertTrue(again.release());
    }
  }
}
