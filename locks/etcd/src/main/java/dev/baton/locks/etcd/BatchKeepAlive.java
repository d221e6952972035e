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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * Renews a batch of kept-alive etcd leases at once: one transaction reads every lock key (the
 * owner check: the key still exists with the create revision that is its lease's token, on the
 * etcd lease this side keeps alive), and one keep-alive goes to each distinct etcd lease of the
 * batch (kept-alive keys share one per TTL, {@link SharedLeases}), sent together and awaited
 * within one timeout. So a batch costs one round trip of wall time and a few keep-alives, not
 * one per key. Not thread-safe; one per batch.
 */
final class BatchKeepAlive {
  /**
   * What the batch needs of one lease; {@code adopt} is told of the etcd lease its key was found
   * on when that is another shared lease of this provider (a move whose answer was lost).
   */
  record Member(Renewal renewal, ByteSequence key, long token, long leaseId, LongConsumer adopt) {}

  private static final TxnOption RETRYABLE = TxnOption.builder().withAutoRetry().build();
  private static final GetOption KEY_ONLY = GetOption.builder().withKeysOnly(true).build();

  private final KV kv;
  private final io.etcd.jetcd.Lease leases;
  private final EtcdCalls calls;
  private final SharedLeases shared;

  BatchKeepAlive(KV kv, io.etcd.jetcd.Lease leases, EtcdCalls calls, SharedLeases shared) {
    this.kv = kv;
    this.leases = leases;
    this.calls = calls;
    this.shared = shared;
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
    Map<Long, CompletableFuture<LeaseKeepAliveResponse>> alive = new HashMap<>();
    for (Member member : members) {
      alive.computeIfAbsent(member.leaseId(), leases::keepAliveOnce);
    }
    List<GetResponse> keys;
    try {
      keys = calls.await("extend", first, owned, calls.left(begin)).getGetResponses();
    } catch (RuntimeException e) {
      members.forEach(member -> member.renewal().failed(e));
      return;
    }
    Map<Long, Object> refreshed = new HashMap<>(); // lease id → Boolean, or the failure
    for (int i = 0; i < members.size(); i++) {
      Member member = members.get(i);
      Renewal renewal = member.renewal();
      Object outcome = refreshed.computeIfAbsent(member.leaseId(),
          id -> refresh(id, renewal.lease().name(), alive.get(id), begin));
      if (outcome instanceof RuntimeException failure) {
        renewal.failed(failure);
        continue;
      }
      List<KeyValue> found = keys.get(i).getKvs();
      boolean ours = found.size() == 1 && found.get(0).getCreateRevision() == member.token();
      if (ours && found.get(0).getLease() != member.leaseId() && shared.isShared(found.get(0).getLease())) {
        // Moved by a move whose answer was lost: its lease was not kept alive in this batch.
        member.adopt().accept(found.get(0).getLease());
        renewal.failed(new LockException("the key of " + renewal.lease().name()
            + " is on another shared etcd lease than expected; renewed next time"));
      } else if (Boolean.TRUE.equals(outcome) && ours && found.get(0).getLease() == member.leaseId()) {
        renewal.renewed();
      } else {
        renewal.notHeld();
      }
    }
  }

  /** TRUE if the keep-alive refreshed the lease, FALSE if etcd does not know it, or the failure. */
  private Object refresh(long leaseId, String name, CompletableFuture<LeaseKeepAliveResponse> call,
      long begin) {
    try {
      if (calls.await("extend", name, call, calls.left(begin)).getTTL() > 0) {
        return Boolean.TRUE;
      }
    } catch (LockException e) {
      if (!EtcdCalls.isNotFound(e.getCause())) {
        return e;
      }
    } catch (RuntimeException e) {
      return e;
    }
    shared.gone(leaseId); // ran out or revoked: every key on it is gone with it
    return Boolean.FALSE;
  }
}
