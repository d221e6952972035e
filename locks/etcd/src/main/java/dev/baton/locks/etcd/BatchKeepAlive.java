package dev.baton.locks.etcd;

import dev.baton.locks.LockException;
import dev.baton.locks.spi.Renewal;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.TxnOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Renews a batch of kept-alive etcd leases at once: one transaction reads every lock key (the
 * owner check: the key still exists with the create revision that is its lease's token), and
 * the keep-alives of all their etcd leases are sent together, then awaited within one timeout.
 * So a batch costs one round trip of wall time, not one per lease. Not thread-safe; one per
 * batch.
 */
final class BatchKeepAlive {
  /** What the batch needs of one lease. */
  record Member(Renewal renewal, ByteSequence key, long token, long leaseId) {}

  private static final TxnOption RETRYABLE = TxnOption.builder().withAutoRetry().build();
  private static final GetOption KEY_ONLY = GetOption.builder().withKeysOnly(true).build();

  private final KV kv;
  private final io.etcd.jetcd.Lease leases;
  private final EtcdCalls calls;

  BatchKeepAlive(KV kv, io.etcd.jetcd.Lease leases, EtcdCalls calls) {
    this.kv = kv;
    this.leases = leases;
    this.calls = calls;
  }

  /** Marks every member's renewal: renewed, not held, or failed (an outage). */
  void renew(List<Member> members) {
    if (members.isEmpty()) {
      return;
    }
    String first = members.get(0).renewal().lease().name();
    long begin = System.nanoTime();
    Op[] reads = new Op[members.size()];
    for (int i = 0; i < reads.length; i++) {
      reads[i] = Op.get(members.get(i).key(), KEY_ONLY);
    }
    CompletableFuture<TxnResponse> owned = kv.txn(RETRYABLE).Then(reads).commit();
    List<CompletableFuture<LeaseKeepAliveResponse>> alive = new ArrayList<>(members.size());
    for (Member member : members) {
      alive.add(leases.keepAliveOnce(member.leaseId()));
    }
    List<GetResponse> keys;
    try {
      keys = calls.await("extend", first, owned, calls.left(begin)).getGetResponses();
    } catch (RuntimeException e) {
      members.forEach(member -> member.renewal().failed(e));
      return;
    }
    for (int i = 0; i < members.size(); i++) {
      Member member = members.get(i);
      Renewal renewal = member.renewal();
      try {
        boolean refreshed = calls.await("extend", renewal.lease().name(), alive.get(i),
            calls.left(begin)).getTTL() > 0;
        if (refreshed && ours(keys.get(i), member.token())) {
          renewal.renewed();
        } else {
          renewal.notHeld();
        }
      } catch (LockException e) {
        if (EtcdCalls.isNotFound(e.getCause())) {
          renewal.notHeld(); // the etcd lease ran out or was revoked
        } else {
          renewal.failed(e);
        }
      } catch (RuntimeException e) {
        renewal.failed(e);
      }
    }
  }

  private static boolean ours(GetResponse key, long token) {
    List<KeyValue> found = key.getKvs();
    return found.size() == 1 && found.get(0).getCreateRevision() == token;
  }
}
