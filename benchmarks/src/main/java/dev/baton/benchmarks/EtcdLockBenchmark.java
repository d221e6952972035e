package dev.baton.benchmarks;

import dev.baton.locks.etcd.EtcdLockProvider;
import dev.baton.testkit.EtcdServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended acquire + release on etcd, one thread, against raw jetcd calls on the same server
 * in the same run.
 *
 * <p>The floor Baton is compared with is {@link #rawJetcdLeaseGrantPutDeleteRevoke}: the four
 * raft writes, in four round trips, that any lock on an etcd lease needs (grant a lease, put a
 * key on it; delete the key, revoke the lease). Baton does the same four: grant, one transaction
 * that puts its key and reads the queue, an owner-checked delete, and the revoke. The goal is
 * Baton within 20% of that floor. {@link #rawJetcdPutDelete} (put + delete, two round trips, no
 * lease, so nothing would free the name if the holder died) is shown as the absolute floor of
 * any etcd lock. The server is the testkit's (a local etcd on loopback, or
 * BATON_TEST_ETCD_ENDPOINTS); every write is fsynced by etcd, so the disk dominates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EtcdLockBenchmark {
  private static final ByteSequence RAW_KEY = ByteSequence.from("bench-raw/key", StandardCharsets.UTF_8);
  private static final ByteSequence LOCK_NAME = ByteSequence.from("bench-jetcd-lock", StandardCharsets.UTF_8);
  private static final ByteSequence VALUE = ByteSequence.from("owner", StandardCharsets.UTF_8);

  private EtcdLockProvider locks;
  private Client raw;
  private KV kv;

  @Setup
  public void setUp() {
    String[] endpoints = EtcdServer.shared().endpoints().toArray(String[]::new);
    locks = EtcdLockProvider.create(endpoints);
    raw = Client.builder().endpoints(endpoints).build();
    kv = raw.getKVClient();
  }

  @TearDown
  public void tearDown() {
    locks.close();
    raw.close();
  }

  @Benchmark
  public long batonEtcd() {
    return LockCycle.acquireAndRelease(locks, "bench");
  }

  @Benchmark
  public long rawJetcdLeaseGrantPutDeleteRevoke() throws InterruptedException, ExecutionException {
    long leaseId = raw.getLeaseClient().grant(30).get().getID();
    long revision = kv.put(RAW_KEY, VALUE, PutOption.builder().withLeaseId(leaseId).build())
        .get().getHeader().getRevision();
    kv.delete(RAW_KEY).get();
    raw.getLeaseClient().revoke(leaseId).get();
    return revision;
  }

  @Benchmark
  public long rawJetcdPutDelete() throws InterruptedException, ExecutionException {
    long revision = kv.put(RAW_KEY, VALUE).get().getHeader().getRevision();
    kv.delete(RAW_KEY).get();
    return revision;
  }

  /**
   * Peer: jetcd's Lock API, as a user of it must: grant a lease, lock on it, unlock, revoke.
   */
  @Benchmark
  public long jetcdLockApi() throws InterruptedException, ExecutionException {
    long leaseId = raw.getLeaseClient().grant(Peers.LEASE.toSeconds()).get().getID();
    ByteSequence key = raw.getLockClient().lock(LOCK_NAME, leaseId).get().getKey();
    raw.getLockClient().unlock(key).get();
    raw.getLeaseClient().revoke(leaseId).get();
    return leaseId;
  }
}
