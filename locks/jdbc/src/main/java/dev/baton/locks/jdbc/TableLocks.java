package dev.baton.locks.jdbc;

import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.spi.LateGrantReleases;
import dev.baton.locks.spi.Renewal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Leases as rows of a lock table, for databases without named locks. One row per name, never
 * deleted: it carries the fencing counter across releases. The expiry is on the database's
 * clock, so application clocks do not matter. Every state change is one conditional statement:
 *
 * <ul>
 *   <li>grant: {@code UPDATE ... SET owner, token = token + 1, expiry WHERE key AND (free OR
 *       expired)}; if no row matched, {@code INSERT} the row (a duplicate key means it is held);
 *       then the token is read back by owner;
 *   <li>renew: {@code UPDATE ... SET expiry WHERE key AND owner AND not expired}; kept-alive
 *       leases due together are renewed by one such statement for up to {@value
 *       #RENEWAL_BATCH} rows ({@code key IN (...) AND owner IN (...)}; owners are random per
 *       grant, so a row matches only its own grant), followed by one {@code SELECT} of the rows
 *       that are now this provider's and running;
 *   <li>release: {@code UPDATE ... SET owner = NULL WHERE key AND owner AND not expired}.
 * </ul>
 *
 * <p>Each operation borrows a connection from the DataSource for its duration only. Waiting
 * polls with a jittered backoff; a release by this provider wakes its waiters at once. A grant
 * whose answer is lost to an outage (it may have committed) is released in the background,
 * owner-checked ({@link LateGrantReleases}).
 */
final class TableLocks implements Backend {
  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  /** The most rows one renewal statement renews. */
  static final int RENEWAL_BATCH = 200;

  private final JdbcLockProvider provider;
  private final Connector connector;
  private final Schema schema;
  private final long maxPauseNanos;
  /** How long a statement waits for a row lock held by a transaction (lockInTransaction). */
  private final int rowWaitSeconds;
  /** The network timeout of this backend's connections: above the row wait. */
  private final Duration networkLimit;
  private final String grantFree;
  private final String insertNew;
  private final String readToken;
  private final String renew;
  private final String release;
  private final String table;
  private final String now;
  private final ReentrantLock releases = new ReentrantLock();
  private final Condition released = releases.newCondition();
  private long releaseCount;
  private final LateGrantReleases lateGrants;

  TableLocks(JdbcLockProvider provider, Connector connector, Schema schema, Duration pollInterval) {
    this.provider = provider;
    this.connector = connector;
    this.schema = schema;
    this.maxPauseNanos = Math.max(FIRST_PAUSE_NANOS, pollInterval.toNanos());
    this.lateGrants = new LateGrantReleases(provider.storeName(), provider.timers(), provider.storeCalls(),
        connector.timeout());
    // An embedded database has no network timeout to stay under, and its own lock timeout.
    this.rowWaitSeconds = connector.embedded() ? 0
        : (int) Math.max(1, Math.min(Integer.MAX_VALUE, connector.timeout().toSeconds() / 2));
    Duration aboveRowWait = Duration.ofSeconds(rowWaitSeconds + 1L);
    this.networkLimit = connector.timeout().compareTo(aboveRowWait) >= 0 ? connector.timeout() : aboveRowWait;
    String table = schema.lockTable;
    String now = "(" + schema.dialect.clock() + ")";
    this.grantFree = "UPDATE " + table + " SET owner_id = ?, token = token + 1, expires_at = " + now
        + " + ? WHERE lock_key = ? AND (owner_id IS NULL OR expires_at <= " + now + ")";
    this.insertNew = "INSERT INTO " + table + " (lock_key, lock_name, owner_id, token, expires_at)"
        + " VALUES (?, ?, ?, 1, " + now + " + ?)";
    this.readToken = "SELECT token FROM " + table + " WHERE lock_key = ? AND owner_id = ?";
    this.renew = "UPDATE " + table + " SET expires_at = " + now + " + ? WHERE lock_key = ?"
        + " AND owner_id = ? AND expires_at > " + now;
    this.table = table;
    this.now = now;
    this.release = "UPDATE " + table + " SET owner_id = NULL, expires_at = " + now
        + " WHERE lock_key = ? AND owner_id = ? AND expires_at > " + now;
  }

  @Override
  public Optional<Grant> tryGrant(String name, Duration leaseTime, long tickerStart) {
    String key = LockKeys.tableKey(schema.namespace, name);
    String owner = UUID.randomUUID().toString();
    long millis = ceilMillis(leaseTime);
    long sent = 0; // set once a granting statement may have reached the database
    try (Connector.Borrowed borrowed = open()) {
      Connection connection = borrowed.connection;
      Long token = null;
      sent = System.nanoTime();
      if (Sql.updateWithin(rowWaitSeconds, connection, grantFree, owner, millis, key) == 1) {
        token = Sql.queryLong(connection, readToken, key, owner);
        if (token == null) {
          throw new SQLException("the row of " + name + " lost its new owner " + owner + " at once");
        }
      } else {
        try {
          Sql.updateWithin(rowWaitSeconds, connection, insertNew, key, LockKeys.displayName(name),
              owner, millis);
          token = 1L;
        } catch (SQLException e) {
          if (Dialect.isDuplicateKey(e)) {
            return Optional.empty(); // the row exists and its holder's lease is running
          }
          throw e;
        }
      }
      return Optional.of(new TableGrant(key, name, owner, token, tickerStart));
    } catch (SQLException e) {
      if (JdbcLocks.isLockWaitTimeout(e)) {
        return Optional.empty(); // a transaction-scoped lock holds the row (JdbcLocks)
      }
      RuntimeException failure = Connector.failure("acquiring " + name + " in " + schema.lockTable, e);
      if (sent != 0 && failure instanceof LockUnavailableException) {
        // The statement may have been carried out and committed without its answer reaching
        // us: the row would be held by an owner nobody uses, for the whole lease.
        lateGrants.release(name, leaseTime, sent, e, () -> releaseRow(name, key, owner));
      }
      throw failure;
    }
  }

  /** The owner-checked release of a row: true if this call freed it. */
  private boolean releaseRow(String name, String key, String owner) {
    try (Connector.Borrowed borrowed = open()) {
      boolean freed = Sql.updateWithin(rowWaitSeconds, borrowed.connection, release, key, owner) == 1;
      if (freed) {
        signalRelease();
      }
      return freed;
    } catch (SQLException e) {
      throw Connector.failure("releasing " + name + " in " + schema.lockTable, e);
    }
  }

  @Override
  public Optional<Grant> await(String name, Duration leaseTime, long deadline) throws InterruptedException {
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      long seen = releaseCount();
      long left = Backend.left(deadline);
      if (left <= 0) {
        return Optional.empty();
      }
      // Polling is what a plain table offers; the pause grows to the poll interval, jittered so
      // that waiters of several instances do not hit the row in step.
      long sleep = Math.min(left, ThreadLocalRandom.current().nextLong(pause / 2, pause + 1));
      releases.lockInterruptibly();
      try {
        if (releaseCount == seen && !provider.closing()) {
          released.awaitNanos(sleep);
        }
      } finally {
        releases.unlock();
      }
      if (provider.closing()) {
        throw provider.closed();
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for " + name);
      }
      Optional<Grant> grant = tryGrant(name, leaseTime, provider.tickerRead());
      if (grant.isPresent()) {
        return grant;
      }
      pause = Math.min(maxPauseNanos, pause * 2);
    }
  }

  private long releaseCount() {
    releases.lock();
    try {
      return releaseCount;
    } finally {
      releases.unlock();
    }
  }

  private void signalRelease() {
    releases.lock();
    try {
      releaseCount++;
      released.signalAll();
    } finally {
      releases.unlock();
    }
  }

  @Override
  public void wake() {
    signalRelease();
  }

  @Override
  public void close() {
    lateGrants.releaseNow();
    connector.close();
  }

  @Override
  public int renewalBatchSize() {
    return RENEWAL_BATCH;
  }

  /**
   * Renews a batch with two statements per lease time in it: the owner-checked {@code UPDATE}
   * of all its rows, then a {@code SELECT} of those that are now running for their owner. A row
   * that expired before the update is not renewed and not selected (nobody else gives it our
   * owner id), so its lease is lost; a failure leaves the renewals of its lease time unknown.
   */
  @Override
  public void renewAll(List<Renewal> renewals) {
    Map<Long, List<Renewal>> byMillis = new LinkedHashMap<>();
    for (Renewal renewal : renewals) {
      byMillis.computeIfAbsent(ceilMillis(renewal.leaseTime()), m -> new ArrayList<>()).add(renewal);
    }
    for (Map.Entry<Long, List<Renewal>> group : byMillis.entrySet()) {
      try {
        renewRows(group.getKey(), group.getValue());
      } catch (RuntimeException e) {
        group.getValue().forEach(renewal -> renewal.failed(e));
      }
    }
  }

  private void renewRows(long millis, List<Renewal> group) {
    String marks = String.join(", ", Collections.nCopies(group.size(), "?"));
    String where = " WHERE lock_key IN (" + marks + ") AND owner_id IN (" + marks + ") AND expires_at > " + now;
    Object[] rows = new Object[2 * group.size()];
    Map<String, Renewal> byKey = new HashMap<>();
    for (int i = 0; i < group.size(); i++) {
      TableGrant grant = (TableGrant) JdbcLockProvider.grantOf(group.get(i));
      rows[i] = grant.key;
      rows[group.size() + i] = grant.owner;
      byKey.put(grant.key, group.get(i));
    }
    Object[] update = new Object[rows.length + 1];
    update[0] = millis;
    System.arraycopy(rows, 0, update, 1, rows.length);
    String first = group.get(0).lease().name();
    try (Connector.Borrowed borrowed = open()) {
      Connection connection = borrowed.connection;
      Sql.updateWithin(rowWaitSeconds, connection,
          "UPDATE " + table + " SET expires_at = " + now + " + ?" + where, update);
      for (String key : Sql.queryColumn(connection, "SELECT lock_key FROM " + table + where, rows)) {
        Renewal renewal = byKey.remove(key);
        if (renewal != null) {
          renewal.renewed();
        }
      }
      byKey.values().forEach(Renewal::notHeld);
    } catch (SQLException e) {
      throw Connector.failure("renewing " + group.size() + " leases (first " + first + ") in "
          + schema.lockTable, e);
    }
  }

  private Connector.Borrowed open() throws SQLException {
    return connector.borrow(networkLimit);
  }

  private static long ceilMillis(Duration d) {
    long millis = d.toMillis();
    return d.minusMillis(millis).isZero() ? millis : millis + 1;
  }

  /** One row's grant, owned by a random owner id. */
  private final class TableGrant extends Grant {
    private final String key;
    private final String owner;

    TableGrant(String key, String name, String owner, long token, long tickerStart) {
      super(name, token, tickerStart);
      this.key = key;
      this.owner = owner;
    }

    @Override
    boolean renew(Duration leaseTime) {
      try (Connector.Borrowed borrowed = open()) {
        Connection connection = borrowed.connection;
        return Sql.updateWithin(rowWaitSeconds, connection, renew, ceilMillis(leaseTime), key, owner) == 1;
      } catch (SQLException e) {
        throw Connector.failure("renewing " + name + " in " + schema.lockTable, e);
      }
    }

    @Override
    boolean unlock() {
      return releaseRow(name, key, owner);
    }
  }

}
