package dev.baton.locks.etcd;

import dev.baton.locks.Lease;
import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.Ticker;
import dev.baton.locks.spi.AbstractLease;
import dev.baton.locks.spi.AbstractLockProvider;
import dev.baton.locks.spi.LateGrantReleases;
import dev.baton.locks.spi.LockArguments;
import dev.baton.locks.spi.LockProviderBuilder;
import dev.baton.locks.spi.Renewal;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.TxnOption;
import io.etcd.jetcd.options.WatchOption;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases on etcd, through jetcd. Each acquisition grants an etcd lease and puts its own key
 * under the name's prefix; the key with the smallest create revision holds the name, the others
 * queue behind it in creation order (FIFO), each watching only the key just before its own, so
 * a release wakes exactly one waiter. The fencing token is the key's create revision, which
 * etcd's linearizable, replicated store only ever increases.
 *
 * <pre>{@code
 * try (LockProvider locks = EtcdLockProvider.create("http://etcd-0:2379", "http://etcd-1:2379")) {
 *   locks.tryAcquire("daily-report", Duration.ofMinutes(5)).ifPresent(lease -> { ... });
 * }
 * }</pre>
 *
 * <p>Every etcd call waits at most the configured {@linkplain Builder#timeout timeout}. What
 * etcd can promise, the key layout and the failure behaviour are in the module's README.
 * Thread-safe.
 */
public final class EtcdLockProvider extends AbstractLockProvider {
  private static final Logger log = LoggerFactory.getLogger(EtcdLockProvider.class);

  /** The longest a waiter sleeps without looking at etcd: bounds how late it notices an outage. */
  private static final long MAX_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** etcd's longest lease TTL, in seconds (lease.MaxLeaseTTL). */
  private static final long MAX_TTL_SECONDS = 9_000_000_000L;

  /** The most kept-alive leases one batch renews. */
  static final int RENEWAL_BATCH = 128;
  /** Acquisition and ownership checks are safe to repeat: jetcd may retry them on UNAVAILABLE. */
  private static final TxnOption RETRYABLE = TxnOption.builder().withAutoRetry().build();
  private static final GetOption KEY_ONLY = GetOption.builder().withKeysOnly(true).build();
  /** The newest key under a prefix (by create revision), read before our own put. */
  private static final GetOption NEWEST = GetOption.builder()
      .isPrefix(true)
      .withSortField(GetOption.SortTarget.CREATE)
      .withSortOrder(GetOption.SortOrder.DESCEND)
      .withLimit(1)
      .withKeysOnly(true)
      .build();

  private final Client client;
  private final boolean ownsClient;
  private final KV kv;
  private final io.etcd.jetcd.Lease leases;
  private final Watch watch;
  private final EtcdKeys keys;
  private final EtcdCalls calls;
  private final LateGrantReleases lateGrants;
  /** The etcd leases kept-alive keys share, one per TTL. */
  private final SharedLeases shared = new SharedLeases();
  private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
  /** Counts acquisitions under way, so close() can let them clean up before the client goes. */
  private final ReentrantLock activity = new ReentrantLock();
  private final Condition idle = activity.newCondition();
  private int active;
  /** Tests only: the longest sleep between two checks of a waiter ({@link #MAX_RECHECK_NANOS}). */
  volatile long maxRecheckNanos = MAX_RECHECK_NANOS;
  /** Tests only: runs after each check that found a waiter still queued, before it sleeps. */
  volatile Consumer<Waiter> afterCheck = waiter -> { };
  /** Tests only: runs after an acquisition's lease was granted, before its key is put. */
  volatile Runnable beforePut = () -> { };

  private EtcdLockProvider(Builder builder, Client client, boolean ownsClient) {
    super(builder, Ticker.system());
    this.client = client;
    this.ownsClient = ownsClient;
    this.kv = client.getKVClient();
    this.leases = client.getLeaseClient();
    this.watch = client.getWatchClient();
    this.keys = new EtcdKeys(builder.namespace);
    this.calls = new EtcdCalls(builder.timeout);
    this.lateGrants = new LateGrantReleases(store(), scheduler(), storeCallThreads(), builder.timeout);
  }

  /**
   * A provider on the etcd cluster at {@code endpoints} ({@code http://host:port}, or
   * {@code https://} for TLS with the JVM's trust store), with default settings. Give every
   * member's endpoint, so the client can move to another member when one fails.
   *
   * @param endpoints one or more endpoint URIs of the cluster's members
   * @return a new provider that owns its client; close it when done
   * @throws IllegalArgumentException if no endpoint is given or one is not an etcd endpoint
   */
  public static EtcdLockProvider create(String... endpoints) {
    return builder(endpoints).build();
  }

  /**
   * A builder for a provider that creates, and closes, its own client for {@code endpoints}.
   *
   * @param endpoints one or more endpoint URIs, as for {@link #create(String...)}
   * @return a new builder
   * @throws IllegalArgumentException if no endpoint is given or one is not an etcd endpoint
   */
  public static Builder builder(String... endpoints) {
    return new Builder(parse(endpoints), null);
  }

  /**
   * A builder for a provider on an existing jetcd client, e.g. one with client certificates or a
   * custom trust store. The caller keeps ownership: closing the provider does not close the
   * client. The provider's {@linkplain Builder#timeout timeout} still bounds every call.
   *
   * @param client the client to use; not null, and left open by {@link #close()}
   * @return a new builder
   */
  public static Builder builder(Client client) {
    return new Builder(null, Objects.requireNonNull(client, "client must not be null"));
  }

  // ---------------------------------------------------------------- acquisition

  @Override
  protected Optional<EtcdLease> doTryAcquire(String name, Duration leaseTime, long start) {
    begin();
    try {
      Entry entry = enqueue(name, leaseTime);
      if (entry.predecessor == null) {
        return Optional.of(new EtcdLease(entry, leaseTime, start));
      }
      // Not first: leave the queue at once, so nothing of this attempt is ever granted.
      giveUp(name, entry.leaseId, leaseTime);
      return Optional.empty();
    } finally {
      end();
    }
  }

  /**
   * Grants a lease of {@code leaseTime} rounded up to whole seconds, and puts this acquisition's
   * key on it, in one transaction that also reads the newest key already queued for the name:
   * <pre>
   * if create_revision(own key) == 0                     (it does not exist yet)
   * then range(prefix, sort by create revision descending, limit 1); put(own key, lease)
   * else range(own key)                                  (a repeat of an applied request)
   * </pre>
   * No key before ours means we hold the name; otherwise the newest one is our predecessor.
   */
  private Entry enqueue(String name, Duration leaseTime) {
    long ttl = ttlSeconds(leaseTime);
    LeaseGrantResponse grant = calls.await("acquire", name, leases.grant(ttl));
    long leaseId = grant.getID();
    ByteSequence key = keys.key(name, leaseId);
    beforePut.run();
    long sent = System.nanoTime();
    try {
      TxnResponse txn = calls.await("acquire", name, kv.txn(RETRYABLE)
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
          .Then(Op.get(keys.prefix(name), NEWEST),
              Op.put(key, value(name), PutOption.builder().withLeaseId(leaseId).build()))
          .Else(Op.get(key, GetOption.DEFAULT))
          .commit());
      if (txn.isSucceeded()) {
        // The put is the transaction's only write, so the key was created at its revision.
        return new Entry(name, key, leaseId, ttl, txn.getHeader().getRevision(),
            newestKey(txn.getGetResponses().get(0)));
      }
      List<KeyValue> own = txn.getGetResponses().get(0).getKvs();
      if (own.isEmpty()) {
        throw new LockUnavailableException("etcd lost the key of " + name + " just after writing it");
      }
      long revision = own.get(0).getCreateRevision();
      return new Entry(name, key, leaseId, ttl, revision, newestKey(calls.await("acquire", name,
          kv.get(keys.prefix(name), predecessorOf(revision)))));
    } catch (RuntimeException e) {
      // The put may have landed, or still land: the revoke takes the key with it. It is retried
      // while etcd cannot be reached, so a late grant does not keep the name for its whole TTL.
      lateGrants.release(name, leaseTime, sent, e, () -> revoke(name, leaseId));
      throw e;
    }
  }

  @Override
  protected Optional<EtcdLease> doAwait(String name, Duration leaseTime, long deadline)
      throws InterruptedException {
    Waiter waiter = new Waiter();
    begin();
    waiters.add(waiter);
    try {
      while (true) {
        ensureOpenWhileWaiting();
        long start = ticker().read();
        Entry entry = enqueue(name, leaseTime);
        if (entry.predecessor == null) {
          return Optional.of(new EtcdLease(entry, leaseTime, start));
        }
        Optional<EtcdLease> lease = waitInQueue(waiter, entry, leaseTime, deadline);
        if (lease != null) {
          return lease;
        }
        // Our key vanished while we waited (its lease ran out): queue again, at the back.
        if (deadline - System.nanoTime() <= 0) {
          return Optional.empty();
        }
      }
    } finally {
      waiters.remove(waiter);
      end();
    }
  }

  /**
   * Waits behind {@code entry}'s predecessor until it is first, the deadline passes, the provider
   * closes or the thread is interrupted. Wakes when the watch reports the predecessor deleted,
   * when the watch fails, and at least every third of the TTL (at most {@link #MAX_RECHECK_NANOS})
   * to keep its own lease alive and to notice an unreachable store. Unless it returns a lease,
   * it revokes its own lease on the way out, which deletes its key.
   *
   * @return the lease; empty at the deadline; null if our own key is gone and we must queue again
   */
  private Optional<EtcdLease> waitInQueue(Waiter waiter, Entry entry, Duration leaseTime,
      long deadline) throws InterruptedException {
    long recheck = Math.max(1, Math.min(maxRecheckNanos, TimeUnit.SECONDS.toNanos(entry.ttl) / 3));
    ByteSequence predecessor = entry.predecessor;
    long watchFrom = entry.revision + 1; // the predecessor existed at our revision
    Waiter.Watching watching = null;
    Watch.Watcher watcher = null;
    boolean granted = false;
    boolean storeDown = false;
    // Read before the watch starts (it replays from our revision on) and, below, before every
    // check: a deletion reported while a check is on its way then ends the next sleep at once.
    long seen = waiter.generation();
    try {
      while (true) {
        if (watcher == null) {
          watching = waiter.new Watching();
          watcher = watchDeletion(entry.name, predecessor, watchFrom, watching);
        }
        ensureOpenWhileWaiting();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        waiter.awaitChange(seen, Math.min(left, recheck));
        ensureOpenWhileWaiting();
        if (deadline - System.nanoTime() <= 0) {
          return Optional.empty();
        }
        seen = waiter.generation();
        long start = ticker().read();
        Check check = check(entry);
        if (!check.ownKeyHeld) {
          log.debug("The queued key of {} vanished (lease {} ran out); queueing again",
              entry.name, Long.toHexString(entry.leaseId));
          return null;
        }
        if (check.predecessor == null) {
          granted = true;
          return Optional.of(new EtcdLease(entry, leaseTime, start));
        }
        afterCheck.accept(waiter);
        if (!check.predecessor.equals(predecessor) || watching.failed()) {
          // The predecessor gave up, or the watch broke: watch the key now before ours.
          watching.cancel();
          watcher.close();
          watcher = null;
          predecessor = check.predecessor;
          watchFrom = check.revision + 1;
        }
      }
    } catch (LockUnavailableException e) {
      storeDown = true;
      throw e;
    } finally {
      if (watcher != null) {
        watching.cancel();
        watcher.close();
      }
      if (!granted) {
        if (storeDown) {
          lateGrants.release(entry.name, leaseTime, System.nanoTime(), null,
              () -> revoke(entry.name, entry.leaseId));
        } else {
          giveUp(entry.name, entry.leaseId, leaseTime);
        }
      }
    }
  }

  private Watch.Watcher watchDeletion(String name, ByteSequence key, long fromRevision,
      Waiter.Watching listener) {
    WatchOption option = WatchOption.builder()
        .withRevision(fromRevision)
        .withNoPut(true)
        .withRequireLeader(true) // a member cut off from the leader ends the watch
        .build();
    try {
      return watch.watch(key, option, listener);
    } catch (RuntimeException e) {
      throw calls.translate("wait for", name, e);
    }
  }

  /**
   * Renews the waiting lease and, in one read-only transaction, checks that our key is still
   * ours and looks for the newest key created before it:
   * <pre>
   * if create_revision(own key) == own revision
   * then range(prefix, max create revision = own revision - 1, sort descending, limit 1)
   * </pre>
   */
  private Check check(Entry entry) throws InterruptedException {
    long begin = System.nanoTime();
    CompletableFuture<TxnResponse> read = kv.txn(RETRYABLE)
        .If(entry.owned())
        .Then(Op.get(keys.prefix(entry.name), predecessorOf(entry.revision)))
        .commit();
    boolean alive = refreshLease("wait for", entry.name, entry.leaseId);
    TxnResponse txn = calls.awaitInterruptibly("wait for", entry.name, read, calls.left(begin));
    if (!alive || !txn.isSucceeded()) {
      return new Check(false, null, 0);
    }
    return new Check(true, newestKey(txn.getGetResponses().get(0)), txn.getHeader().getRevision());
  }

  /** The key a range with limit 1 found, or null. */
  private static ByteSequence newestKey(GetResponse response) {
    List<KeyValue> kvs = response.getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getKey();
  }

  /** The newest key created before {@code revision}. */
  private static GetOption predecessorOf(long revision) {
    return GetOption.builder()
        .isPrefix(true)
        .withMaxCreateRevision(revision - 1)
        .withSortField(GetOption.SortTarget.CREATE)
        .withSortOrder(GetOption.SortOrder.DESCEND)
        .withLimit(1)
        .withKeysOnly(true)
        .build();
  }

  private void ensureOpenWhileWaiting() {
    if (isClosed()) {
      throw closedException();
    }
  }

  // ---------------------------------------------------------------- leases

  /**
   * Refreshes {@code leaseId} once. False if etcd no longer knows the lease (it ran out or was
   * revoked); throws {@link LockUnavailableException} if etcd cannot be reached.
   */
  private boolean refreshLease(String action, String name, long leaseId) {
    try {
      return calls.awaitWithSecondTry(action, name, () -> leases.keepAliveOnce(leaseId)).getTTL() > 0;
    } catch (LockException e) {
      if (EtcdCalls.isNotFound(e.getCause())) {
        return false;
      }
      throw e;
    }
  }

  /** Revokes a lease (which deletes its keys) and waits, bounded, for the answer. */
  private void revokeQuietly(String action, String name, long leaseId) {
    try {
      calls.await(action, name, leases.revoke(leaseId));
    } catch (LockException e) {
      if (!EtcdCalls.isNotFound(e.getCause())) {
        log.info("Could not revoke etcd lease {} of {}; it ends by itself: {}",
            Long.toHexString(leaseId), name, e.getMessage());
      }
    }
  }

  /**
   * Revokes a lease once, bounded: true if revoked, false if etcd does not know it (any more);
   * throws {@link LockUnavailableException} if etcd cannot be reached.
   */
  private boolean revoke(String name, long leaseId) {
    try {
      calls.await("release", name, leases.revoke(leaseId));
      return true;
    } catch (LockException e) {
      if (EtcdCalls.isNotFound(e.getCause())) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Leaves the queue: revokes our waiting key's lease. If that fails, it is retried in the
   * background: a key left in the queue would hold the name for its TTL once it came first.
   */
  private void giveUp(String name, long leaseId, Duration leaseTime) {
    long start = System.nanoTime();
    try {
      revoke(name, leaseId);
    } catch (LockException e) {
      lateGrants.release(name, leaseTime, start, e, () -> revoke(name, leaseId));
    }
  }

  /** Revokes a lease without waiting, where etcd may be unreachable right now. */
  private void revokeLater(long leaseId) {
    try {
      leases.revoke(leaseId).whenComplete((response, error) -> {
        if (error != null && !EtcdCalls.isNotFound(error)) {
          log.debug("Revoking etcd lease {} failed; it ends by itself",
              Long.toHexString(leaseId), error);
        }
      });
    } catch (RuntimeException e) {
      log.debug("Revoking etcd lease {} failed; it ends by itself", Long.toHexString(leaseId), e);
    }
  }

  /** Whole seconds for an etcd lease TTL, rounded up so the lease is never shorter than asked. */
  static long ttlSeconds(Duration leaseTime) {
    long seconds = leaseTime.getSeconds() + (leaseTime.getNano() > 0 ? 1 : 0);
    return Math.max(1, Math.min(seconds, MAX_TTL_SECONDS));
  }

  private static ByteSequence value(String name) {
    return ByteSequence.from(name, StandardCharsets.UTF_8); // for people reading etcd; unused
  }

  // ---------------------------------------------------------------- close

  @Override
  protected void wakeWaiters() {
    for (Waiter waiter : waiters) {
      waiter.wake();
    }
  }

  /**
   * Lets acquisitions under way finish, and woken waiters revoke their leases (together bounded
   * by the timeout), then closes the client if this provider created it.
   */
  @Override
  protected void doClose() {
    long deadline = System.nanoTime() + calls.timeout().toNanos();
    activity.lock();
    try {
      long left;
      while (active > 0 && (left = deadline - System.nanoTime()) > 0) {
        idle.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      activity.unlock();
    }
    lateGrants.releaseNow();
    for (long id : shared.all()) {
      revokeQuietly("close", "shared lease " + Long.toHexString(id), id); // every lease was released
    }
    if (ownsClient) {
      client.close();
    }
  }

  /** An acquisition starts: close() waits for it before closing the client. */
  private void begin() {
    activity.lock();
    try {
      active++;
    } finally {
      activity.unlock();
    }
  }

  private void end() {
    activity.lock();
    try {
      if (--active == 0) {
        idle.signalAll();
      }
    } finally {
      activity.unlock();
    }
  }

  // ---------------------------------------------------------------- the lease

  /** One place in a name's queue: our key, its lease and its create revision. */
  private static final class Entry {
    final String name;
    final ByteSequence key;
    final long leaseId;
    final long ttl;
    final long revision;
    /** The newest key created before ours, or null if ours is first. */
    final ByteSequence predecessor;

    Entry(String name, ByteSequence key, long leaseId, long ttl, long revision,
        ByteSequence predecessor) {
      this.name = name;
      this.key = key;
      this.leaseId = leaseId;
      this.ttl = ttl;
      this.revision = revision;
      this.predecessor = predecessor;
    }

    /** Our key still exists as created by us (a re-created key has a new create revision). */
    Cmp owned() {
      return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(revision));
    }
  }

  private record Check(boolean ownKeyHeld, ByteSequence predecessor, long revision) {}

  /** Kept-alive leases due together are renewed by one {@link BatchKeepAlive}. */
  @Override
  protected int renewalBatchSize() {
    return RENEWAL_BATCH;
  }

  /**
   * One key-reading transaction and one keep-alive per shared etcd lease for the leases whose
   * TTL stays; keys still on an etcd lease of their own (or on a retired shared one) first move
   * onto the shared lease of their TTL, in one transaction. A lease that asks for another TTL
   * moves to a new etcd lease on its own, as in {@link EtcdLease#renew}.
   */
  @Override
  protected void renewAll(List<Renewal> renewals) {
    List<BatchKeepAlive.Member> members = new ArrayList<>(renewals.size());
    Map<Long, List<Renewal>> toShare = new HashMap<>();
    for (Renewal renewal : renewals) {
      EtcdLease lease = (EtcdLease) renewal.lease();
      if (ttlSeconds(renewal.leaseTime()) == lease.ttl) {
        long id = lease.leaseId;
        if (shared.isShared(id) && !shared.isRetired(id)) {
          members.add(lease.member(renewal));
        } else {
          toShare.computeIfAbsent(lease.ttl, ttl -> new ArrayList<>()).add(renewal);
        }
        continue;
      }
      try {
        if (lease.renew(renewal.leaseTime())) {
          renewal.renewed();
        } else {
          renewal.notHeld();
        }
      } catch (RuntimeException e) {
        renewal.failed(e);
      }
    }
    for (Map.Entry<Long, List<Renewal>> group : toShare.entrySet()) {
      members.addAll(moveToShared(group.getKey(), group.getValue()));
    }
    new BatchKeepAlive(kv, leases, calls, shared).renew(members);
  }

  /**
   * Moves the keys of {@code renewals} (all of TTL {@code ttl}) onto the shared etcd lease of
   * that TTL, each owner-checked, in one transaction:
   * <pre>
   * for each key: if create_revision(key) == token then put(key, shared lease)
   * </pre>
   * A put keeps the create revision, so the fencing token stays the same. A moved key's own
   * lease holds nothing any more and ends with its TTL. Marks the renewals whose key is no
   * longer theirs (not held) and, on an outage, all of them (failed); returns the moved ones,
   * whose renewal is then made on the shared lease.
   */
  private List<BatchKeepAlive.Member> moveToShared(long ttl, List<Renewal> renewals) {
    String first = renewals.get(0).lease().name();
    List<Boolean> moved = null;
    long target = 0;
    for (int attempt = 0; moved == null; attempt++) {
      try {
        target = shared.leaseFor(ttl,
            seconds -> calls.await("extend", first, leases.grant(seconds)).getID());
        moved = movePuts(first, renewals, target);
      } catch (RuntimeException e) {
        if (attempt == 0 && EtcdCalls.isNotFound(e.getCause())) {
          shared.gone(target); // it ran out while no key was kept alive on it: grant another
          continue;
        }
        // The moves may have landed: the next renewal finds the key on the shared lease.
        renewals.forEach(renewal -> renewal.failed(e));
        return List.of();
      }
    }
    List<BatchKeepAlive.Member> members = new ArrayList<>(renewals.size());
    for (int i = 0; i < renewals.size(); i++) {
      Renewal renewal = renewals.get(i);
      EtcdLease lease = (EtcdLease) renewal.lease();
      if (i >= moved.size() || !moved.get(i)) {
        renewal.notHeld();
        continue;
      }
      // The key's own lease holds nothing any more: it is left to end with its TTL rather than
      // revoked, which would be one more write per key (10,000 at once for 10,000 leases).
      lease.leaseId = target;
      members.add(lease.member(renewal));
    }
    return members;
  }

  /** The owner-checked puts of a move, in one transaction; whether each key moved. */
  private List<Boolean> movePuts(String first, List<Renewal> renewals, long target) {
    Op[] puts = new Op[renewals.size()];
    for (int i = 0; i < puts.length; i++) {
      EtcdLease lease = (EtcdLease) renewals.get(i).lease();
      puts[i] = Op.txn(new Cmp[] {lease.entry.owned()}, new Op[] {Op.put(lease.entry.key,
          value(lease.name()), PutOption.builder().withLeaseId(target).build())}, new Op[0]);
    }
    return calls.await("extend", first, kv.txn(RETRYABLE).Then(puts).commit())
        .getTxnResponses().stream().map(TxnResponse::isSucceeded).toList();
  }

  private final class EtcdLease extends AbstractLease {
    private final Entry entry;
    private volatile long leaseId;
    private volatile long ttl;

    EtcdLease(Entry entry, Duration leaseTime, long start) {
      super(EtcdLockProvider.this, entry.name, entry.revision, leaseTime, start);
      this.entry = entry;
      this.leaseId = entry.leaseId;
      this.ttl = entry.ttl;
    }

    BatchKeepAlive.Member member(Renewal renewal) {
      return new BatchKeepAlive.Member(renewal, entry.key, entry.revision, leaseId,
          adopted -> leaseId = adopted);
    }

    /**
     * Keep-alive of the etcd lease, and an owner check of the key, sent together. When the
     * asked lease time needs another TTL, the key moves to a new lease of that TTL instead
     * (a put keeps the create revision, so the fencing token stays the same).
     */
    @Override
    protected boolean renew(Duration leaseTime) {
      long wanted = ttlSeconds(leaseTime);
      if (wanted != ttl) {
        return moveTo(wanted);
      }
      long begin = System.nanoTime();
      long id = leaseId;
      CompletableFuture<TxnResponse> owned = kv.txn(RETRYABLE).If(entry.owned())
          .Then(Op.get(entry.key, KEY_ONLY)).commit();
      boolean alive = refreshLease("extend", name(), id);
      TxnResponse read = calls.await("extend", name(), owned, calls.left(begin));
      if (!read.isSucceeded()) {
        return false;
      }
      long on = read.getGetResponses().get(0).getKvs().get(0).getLease();
      if (on != id && shared.isShared(on)) {
        // A move whose answer was lost put the key on a shared lease: keep that one alive.
        leaseId = on;
        return refreshLease("extend", name(), on);
      }
      return alive && on == id;
    }

    /**
     * <pre>
     * grant(new TTL)
     * if create_revision(own key) == token then put(own key, new lease)
     * revoke(old lease)
     * </pre>
     */
    private boolean moveTo(long newTtl) {
      long newLease = calls.await("extend", name(), leases.grant(newTtl)).getID();
      // No answer to the move means the key may now be on the new lease: that lease is left to
      // its TTL, not revoked, so the key can only outlive our local deadline, never end before
      // it. The next renewal moves the key again.
      boolean moved = calls.await("extend", name(), kv.txn(RETRYABLE)
          .If(entry.owned())
          .Then(Op.put(entry.key, value(name()), PutOption.builder().withLeaseId(newLease).build()))
          .commit()).isSucceeded();
      if (!moved) {
        revokeLater(newLease);
        return false;
      }
      long oldLease = leaseId;
      leaseId = newLease;
      ttl = newTtl;
      if (!shared.isShared(oldLease)) {
        revokeQuietly("extend", name(), oldLease); // it holds no key any more
      }
      return true;
    }

    /**
     * <pre>
     * if create_revision(own key) == token then delete(own key)
     * revoke(lease)
     * </pre>
     * True only if the delete was ours. The lease is revoked either way, which also deletes the
     * key if the delete did not run.
     */
    @Override
    protected boolean unlock() {
      long id = leaseId;
      boolean onShared = shared.isShared(id);
      boolean deleted;
      try {
        deleted = calls.await("release", name(), kv.txn(RETRYABLE)
            .If(entry.owned())
            .Then(Op.delete(entry.key, DeleteOption.DEFAULT))
            .commit()).isSucceeded();
      } catch (RuntimeException e) {
        if (onShared) {
          shared.retire(id); // the key may be left on it: let the shared lease end
        } else {
          revokeLater(id);
        }
        throw e;
      }
      if (!onShared) {
        revokeQuietly("release", name(), id);
      }
      return deleted;
    }

    /**
     * Ran out locally: on a lease of its own the key ends with it; on a shared lease it would be
     * kept alive with the others, so that lease is retired (it ends once the others moved off)
     * and the key is deleted, owner-checked, without waiting.
     */
    @Override
    protected void ranOut() {
      long id = leaseId;
      if (!shared.isShared(id)) {
        return;
      }
      shared.retire(id);
      try {
        kv.txn(RETRYABLE).If(entry.owned()).Then(Op.delete(entry.key, DeleteOption.DEFAULT))
            .commit().whenComplete((response, error) -> {
              if (error != null) {
                log.debug("Deleting the key of {}, which ran out, failed; it ends with its"
                    + " retired shared lease", name(), error);
              }
            });
      } catch (RuntimeException e) {
        log.debug("Deleting the key of {}, which ran out, failed; it ends with its retired"
            + " shared lease", name(), e);
      }
    }
  }

  // ---------------------------------------------------------------- configuration

  private static List<URI> parse(String... endpoints) {
    Objects.requireNonNull(endpoints, "endpoints must not be null");
    if (endpoints.length == 0) {
      throw new IllegalArgumentException("at least one etcd endpoint is needed");
    }
    List<URI> uris = new ArrayList<>();
    for (String endpoint : endpoints) {
      Objects.requireNonNull(endpoint, "endpoint must not be null");
      URI uri;
      try {
        uri = new URI(endpoint.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not an etcd endpoint: \"" + endpoint + "\"", e);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException(
            "not an etcd endpoint (http://host:port or https://host:port): \"" + endpoint + "\"");
      }
      if (uri.getHost() == null || uri.getPort() < 0 || uri.getUserInfo() != null
          || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath()))
          || uri.getRawQuery() != null) {
        throw new IllegalArgumentException(
            "an etcd endpoint is scheme://host:port and nothing else: \"" + endpoint + "\"");
      }
      if (!uris.isEmpty() && !uris.get(0).getScheme().equals(uri.getScheme())) {
        throw new IllegalArgumentException("etcd endpoints must all be http or all https: \""
            + endpoints[0] + "\", \"" + endpoint + "\"");
      }
      uris.add(uri);
    }
    return uris;
  }

  /** Configures an {@link EtcdLockProvider}. Not thread-safe. */
  public static final class Builder extends LockProviderBuilder<Builder> {
    private final List<URI> endpoints;
    private final Client client;
    private String user;
    private String password;
    private String namespace = "baton/lock/";
    private Duration timeout = Duration.ofSeconds(3);

    private Builder(List<URI> endpoints, Client client) {
      super("etcd");
      this.endpoints = endpoints;
      this.client = client;
    }

    /**
     * Authenticates as {@code user} (etcd's auth must be enabled, and the user's role must
     * allow read and write on the namespace). Only for a provider built from endpoints; an
     * existing {@link Client} brings its own credentials.
     *
     * @param user the etcd user name; not blank
     * @param password the user's password; not null
     * @return this builder
     * @throws IllegalArgumentException if {@code user} is blank
     * @throws IllegalStateException if the builder was made for an existing {@link Client}
     */
    public Builder user(String user, String password) {
      Objects.requireNonNull(user, "user must not be null");
      Objects.requireNonNull(password, "password must not be null");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank: \"" + user + "\"");
      }
      if (client != null) {
        throw new IllegalStateException("the provider uses an existing client: set the user on it");
      }
      this.user = user;
      this.password = password;
      return this;
    }

    /**
     * The prefix of every key; by default {@code "baton/lock/"}. Providers that must exclude
     * each other use the same namespace. End it with '/' and do not nest one provider's
     * namespace inside another's.
     *
     * @param namespace the key prefix; not empty
     * @return this builder
     * @throws IllegalArgumentException if {@code namespace} is empty
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace must not be null");
      if (namespace.isEmpty()) {
        throw new IllegalArgumentException("namespace must not be empty: \"\"");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * The longest any etcd call may take, and the connect timeout of the client this provider
     * creates; by default 3 seconds. An acquisition against an unreachable or stalled etcd
     * throws {@link LockUnavailableException} after about this long.
     *
     * @param timeout the timeout; positive and below 24 days
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = LockArguments.checkTimeout("timeout", timeout);
      return this;
    }

    /**
     * Builds the provider. With endpoints it creates its client; it does not connect yet, so an
     * unreachable etcd shows as {@link LockUnavailableException} on the first acquisition.
     *
     * @return a new provider; close it when done
     * @throws LockException if TLS cannot be set up for {@code https://} endpoints
     */
    public EtcdLockProvider build() {
      if (client != null) {
        return new EtcdLockProvider(this, client, false);
      }
      return new EtcdLockProvider(this, createClient(), true);
    }

    private Client createClient() {
      ClientBuilder builder = Client.builder()
          .endpoints(endpoints.toArray(URI[]::new))
          .connectTimeout(timeout)
          // Fail fast while no member is reachable instead of queueing calls that this
          // provider has stopped waiting for; jetcd still retries what is safe to retry.
          .waitForReady(false)
          .retryMaxDuration(timeout);
      if (user != null) {
        builder.user(ByteSequence.from(user, StandardCharsets.UTF_8))
            .password(ByteSequence.from(password, StandardCharsets.UTF_8));
      }
      if ("https".equals(endpoints.get(0).getScheme())) {
        try {
          builder.sslContext(ssl -> { }); // the JVM's default trust store
        } catch (SSLException e) {
          throw new LockException("cannot set up TLS for etcd: " + e.getMessage(), e);
        }
      }
      return builder.build();
    }
  }

  @Override
  public String toString() {
    return "EtcdLockProvider[" + store() + ", namespace " + keys.namespace() + "]";
  }
}
