package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.spi.Renewal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases as session-level locks (PostgreSQL advisory locks, MySQL {@code GET_LOCK}) held on a
 * few connections of the provider's own, many leases per connection.
 *
 * <ul>
 *   <li><b>Exclusion inside the provider.</b> A session may take a lock it already holds (both
 *       databases count re-entries), so this class keeps one claim per key: a second caller of
 *       the same provider is refused or waits here, never at the server.
 *   <li><b>Waiting</b> happens in the database's own lock queue, on a session that holds nothing
 *       (no deadlock can involve it), in slices of {@value #SLICE_MILLIS} ms so that interrupts
 *       and close are noticed without cancelling statements. The granted session then becomes a
 *       holding one. One waiter per key per provider goes to the database; the others wait here
 *       for it.
 *   <li><b>Lease time</b> is enforced by {@link SessionGrant}, on one timer for all grants
 *       ({@link GrantExpiries}).
 *   <li><b>Dead sessions</b>: a failed statement that shows an outage, or a heartbeat that finds
 *       the connection dead or moved to another server session, drops the session; every lease
 *       on it is lost (the server freed those names when the session ended).
 * </ul>
 */
final class SessionLocks implements Backend {
  private static final Logger log = LoggerFactory.getLogger(SessionLocks.class);
  private static final Duration RESET_WAIT = Duration.ofSeconds(1);
  static final long SLICE_MILLIS = 250;
  private static final int MAX_SPARE = 2;
  /** The most kept-alive renewals one batch holds (checked with one statement per session). */
  static final int RENEWAL_BATCH = 500;
  private static final Object PENDING = new Object();
  private static final Object WAITING = new Object();

  private final JdbcLockProvider provider;
  private final Connector connector;
  private final SessionDialect dialect;
  private final int target;
  private final Duration sliceWait;
  private final List<Session> holding = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Session> spare = new ConcurrentLinkedDeque<>();
  private final Set<Session> waiting = ConcurrentHashMap.newKeySet();
  private final ReentrantLock opening = new ReentrantLock();
  private final ReentrantLock claimLock = new ReentrantLock();
  private final Condition claimsChanged = claimLock.newCondition();
  /** Key → the SessionGrant holding it, or PENDING (an attempt in flight), or WAITING. */
  private final Map<Object, Object> claims = new HashMap<>();
  private final GrantExpiries expiries;

  SessionLocks(JdbcLockProvider provider, Connector connector, SessionDialect dialect, int sessions,
      Duration heartbeat) {
    this.provider = provider;
    this.connector = connector;
    this.dialect = dialect;
    this.target = sessions;
    this.sliceWait = connector.timeout().plusMillis(SLICE_MILLIS);
    this.expiries = new GrantExpiries(provider.timers(), provider.storeCalls());
    long period = heartbeat.toNanos();
    // Timers only fire: the statements run on the provider's store-call threads.
    provider.timers().scheduleWithFixedDelay(() -> provider.storeCalls().execute(this::heartbeat),
        period, period, TimeUnit.NANOSECONDS);
  }

  @Override
  public Optional<Grant> tryGrant(String name, Duration leaseTime, long tickerStart) {
    Object key = dialect.key(name);
    if (!claim(key)) {
      return Optional.empty(); // held or being taken by another caller of this provider
    }
    SessionGrant grant = null;
    try {
      for (int attempt = 0; grant == null; attempt++) {
        Session session = holdingSession();
        session.lock.lock();
        try {
          if (!session.usable()) {
            if (attempt > 2 * target + 2) {
              throw new LockUnavailableException("no usable lock session for " + name);
            }
            continue; // retired or died since it was picked
          }
          long realStart = System.nanoTime();
          OptionalLong token = run(session, "acquiring " + name,
              c -> grantOrUndo(c, key, name, () -> dialect.tryLock(c, key)));
          if (token.isEmpty()) {
            return Optional.empty();
          }
          grant = new SessionGrant(this, session, key, name, token.getAsLong(), tickerStart,
              realStart, leaseTime);
          session.grants.add(grant);
        } finally {
          session.lock.unlock();
        }
      }
      return Optional.of(grant);
    } finally {
      settle(key, grant);
    }
  }

  @Override
  public Optional<Grant> await(String name, Duration leaseTime, long deadline)
      throws InterruptedException {
    Object key = dialect.key(name);
    if (!awaitTurn(key, deadline)) {
      return Optional.empty();
    }
    SessionGrant grant = null;
    Session session = null;
    try {
      session = waitingSession();
      while (true) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting for " + name);
        }
        if (provider.closing()) {
          throw provider.closed();
        }
        long left = Backend.left(deadline);
        if (left <= 0) {
          return Optional.empty();
        }
        long slice = Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
        long tickerStart = provider.tickerRead();
        long realStart = System.nanoTime();
        Session s = session;
        OptionalLong token;
        s.lock.lock();
        try {
          token = run(s, "waiting for " + name,
              c -> grantOrUndo(c, key, name, () -> dialect.lock(c, key, slice)));
          if (token.isPresent()) {
            grant = new SessionGrant(this, s, key, name, token.getAsLong(), tickerStart, realStart, leaseTime);
            s.grants.add(grant);
          }
        } finally {
          s.lock.unlock();
        }
        if (grant != null) {
          waiting.remove(s);
          holding.add(s); // it holds the new lease now
          session = null;
          try {
            connector.limitNetworkWait(s.connection, connector.timeout());
          } catch (SQLException e) {
            log.debug("Could not shorten the network timeout of {}: {}", s, e.toString());
          }
          return Optional.of(grant);
        }
      }
    } catch (SQLException e) {
      throw Connector.failure("waiting for " + name, e);
    } finally {
      if (session != null) {
        waiting.remove(session);
        recycle(session);
      }
      settle(key, grant);
    }
  }

  // ---------------------------------------------------------------- claims (this provider)

  private boolean claim(Object key) {
    claimLock.lock();
    try {
      return claims.putIfAbsent(key, PENDING) == null;
    } finally {
      claimLock.unlock();
    }
  }

  /** Waits until no caller of this provider holds or wants {@code key}, then claims it. */
  private boolean awaitTurn(Object key, long deadline) throws InterruptedException {
    claimLock.lockInterruptibly();
    try {
      while (claims.containsKey(key)) {
        if (provider.closing()) {
          throw provider.closed();
        }
        long left = Backend.left(deadline);
        if (left <= 0) {
          return false;
        }
        claimsChanged.awaitNanos(left);
      }
      if (provider.closing()) {
        throw provider.closed();
      }
      claims.put(key, WAITING);
      return true;
    } finally {
      claimLock.unlock();
    }
  }

  /** Turns a claim into the grant, or gives it up; arms the grant's lease timer. */
  private void settle(Object key, SessionGrant grant) {
    claimLock.lock();
    try {
      if (grant != null) {
        claims.put(key, grant);
      } else {
        claims.remove(key);
        claimsChanged.signalAll();
      }
    } finally {
      claimLock.unlock();
    }
    if (grant != null) {
      grant.arm();
    }
  }

  /** A grant ended (released, expired or dropped): its key is free for this provider's callers. */
  void ended(SessionGrant grant) {
    claimLock.lock();
    try {
      if (claims.get(grant.key) == grant) {
        claims.remove(grant.key);
        claimsChanged.signalAll();
      }
    } finally {
      claimLock.unlock();
    }
    Session session = grant.session;
    session.grants.remove(grant);
    if (session.grants.isEmpty() && holding.size() > target) {
      retire(session);
    }
  }

  @Override
  public void wake() {
    claimLock.lock();
    try {
      claimsChanged.signalAll();
    } finally {
      claimLock.unlock();
    }
  }

  // ---------------------------------------------------------------- store operations

  /**
   * The owner check of renewals: whether {@code session} is still the server session that took
   * its locks. A session lock stays with its session until it is unlocked or the session ends,
   * and this class unlocks only through the grant, so one cheap statement confirms every grant
   * on the session at once, without reading the server's lock table ({@code pg_locks} costs
   * milliseconds with thousands of locks held). A connection now behind another server session
   * is discarded, and its grants are lost.
   */
  boolean alive(Session session, String what) {
    long id;
    session.lock.lock();
    try {
      if (session.broken) {
        return false;
      }
      id = run(session, what, dialect::sessionId);
    } finally {
      session.lock.unlock();
    }
    if (id != session.serverId) {
      discard(session, new LockException("the connection moved from server session "
          + session.serverId + " to " + id + " (a pooler in transaction mode?)"));
      return false;
    }
    return true;
  }

  /**
   * Renews kept-alive grants together: one session check per session for all of its grants in
   * the batch. A check that fails leaves that session's renewals unknown.
   */
  @Override
  public void renewAll(List<Renewal> renewals) {
    Map<Session, List<Renewal>> bySession = new LinkedHashMap<>();
    for (Renewal renewal : renewals) {
      SessionGrant grant = (SessionGrant) JdbcLockProvider.grantOf(renewal);
      bySession.computeIfAbsent(grant.session, s -> new ArrayList<>()).add(renewal);
    }
    for (Map.Entry<Session, List<Renewal>> group : bySession.entrySet()) {
      long start = System.nanoTime();
      boolean alive;
      try {
        alive = alive(group.getKey(), "renewing " + group.getValue().size() + " leases");
      } catch (RuntimeException e) {
        group.getValue().forEach(renewal -> renewal.failed(e));
        continue;
      }
      for (Renewal renewal : group.getValue()) {
        SessionGrant grant = (SessionGrant) JdbcLockProvider.grantOf(renewal);
        if (grant.renewChecked(renewal.leaseTime(), start, alive)) {
          renewal.renewed();
        } else {
          renewal.notHeld();
        }
      }
    }
  }

  @Override
  public int renewalBatchSize() {
    return RENEWAL_BATCH;
  }

  boolean unlock(SessionGrant grant) {
    Session session = grant.session;
    session.lock.lock();
    try {
      if (session.broken) {
        return false; // the server freed it with the session
      }
      return run(session, "releasing " + grant.name, c -> dialect.unlock(c, grant.key));
    } catch (LockUnavailableException sessionDied) {
      // The session failed (it is dropped): its locks died with it, so this lease no longer
      // held the name. Reported as such, the holder is told (onLost) instead of left believing.
      log.warn("Releasing {} on {} found its session dead: the server had freed the name",
          grant.name, session, sessionDied);
      return false;
    } finally {
      session.lock.unlock();
    }
  }

  /** The one timer of every grant's lease time. */
  GrantExpiries expiries() {
    return expiries;
  }

  private interface SqlCall<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on the session; the caller holds {@code session.lock}. An outage drops
   * the session (after the lock is released by the caller, its grants are told) and throws
   * {@link LockUnavailableException}; any other SQL error throws {@link LockException}.
   */
  private <T> T run(Session session, String what, SqlCall<T> work) {
    try {
      return work.run(session.connection);
    } catch (SQLException e) {
      boolean outage = Connector.isOutage(e, session.connection);
      if (outage) {
        session.broken = true;
        provider.timers().execute(() -> dropped(session, e));
      }
      String message = what + " on " + session + " failed: " + e.getMessage() + " (SQLState "
          + e.getSQLState() + ")";
      throw outage ? new LockUnavailableException(message, e) : new LockException(message, e);
    } catch (RejectedExecutionException closing) {
      dropped(session, null);
      throw provider.closed();
    }
  }

  private interface Granting {
    OptionalLong run() throws SQLException;
  }

  /**
   * Runs a granting statement. If it fails short of an outage, the lock may have been taken all
   * the same (PostgreSQL takes the advisory lock before {@code nextval} runs, and a session lock
   * outlives the failed statement: a sequence at its MAXVALUE, a missing permission, a statement
   * timeout), so it is unlocked again: the session never keeps a lock no lease stands for. If
   * that fails too, the session's locks are in doubt: the failure is reported as an outage,
   * which drops the session and with it every lock it holds.
   */
  private OptionalLong grantOrUndo(Connection connection, Object key, String name, Granting grant)
      throws SQLException {
    try {
      return grant.run();
    } catch (SQLException e) {
      if (Connector.isOutage(e, connection)) {
        throw e; // the session is dropped, and the server frees its locks
      }
      try {
        boolean held = dialect.unlock(connection, key);
        log.warn("Acquiring {} on {} failed ({}, SQLState {}){}", name, provider.storeName(),
            e.getMessage(), e.getSQLState(), held ? "; unlocked the lock it had taken" : "");
      } catch (SQLException undo) {
        e.addSuppressed(undo);
        throw new SQLNonTransientConnectionException("acquiring " + name + " failed, and so did"
            + " unlocking after it: the session's locks are in doubt (" + e.getMessage() + ")",
            "08006", e);
      }
      throw e;
    }
  }

  /** Gives up a session whose state is in doubt (e.g. an unlock failed): its locks die with it. */
  void discard(Session session, Throwable cause) {
    session.lock.lock();
    try {
      session.broken = true;
    } finally {
      session.lock.unlock();
    }
    dropped(session, cause);
  }

  private void dropped(Session session, Throwable cause) {
    holding.remove(session);
    spare.remove(session);
    Connector.closeQuietly(session.connection);
    if (!session.grants.isEmpty()) {
      log.warn("Lock session {} on {} ended with {} leases: they are lost ({})", session.serverId,
          provider.storeName(), session.grants.size(), cause == null ? "closed" : cause.toString());
    }
    for (SessionGrant grant : new ArrayList<>(session.grants)) {
      grant.dropped(cause);
    }
  }

  private void heartbeat() {
    for (Session session : holding) {
      if (session.grants.isEmpty() || !session.lock.tryLock()) {
        continue; // idle, or in use right now (which checks it anyway)
      }
      long id;
      try {
        if (session.broken) {
          continue;
        }
        id = run(session, "checking", dialect::sessionId);
      } catch (RuntimeException e) {
        log.debug("Heartbeat of {} failed: {}", session, e.toString());
        continue;
      } finally {
        session.lock.unlock();
      }
      if (id != session.serverId) {
        discard(session, new LockException("the connection moved from server session "
            + session.serverId + " to " + id + " (a pooler in transaction mode?)"));
      }
    }
  }

  // ---------------------------------------------------------------- sessions

  /** The holding session with the fewest grants, opening one while there are fewer than target. */
  private Session holdingSession() {
    Session best = leastLoaded();
    if (best != null && (best.grants.isEmpty() || holding.size() >= target)) {
      return best;
    }
    opening.lock();
    try {
      if (holding.size() < target) {
        Session session = open(connector.timeout());
        holding.add(session);
        return session;
      }
    } finally {
      opening.unlock();
    }
    best = leastLoaded();
    if (best == null) {
      throw new LockUnavailableException("no lock session open on " + provider.storeName());
    }
    return best;
  }

  private Session leastLoaded() {
    Session best = null;
    for (Session session : holding) {
      if (session.usable() && (best == null || session.grants.size() < best.grants.size())) {
        best = session;
      }
    }
    return best;
  }

  private Session waitingSession() throws SQLException {
    Session session = spare.pollFirst();
    if (session == null || !session.usable()) {
      session = open(sliceWait);
    } else {
      connector.limitNetworkWait(session.connection, sliceWait);
    }
    waiting.add(session);
    if (provider.closing()) { // close() may have missed it
      waiting.remove(session);
      giveBack(session);
      throw provider.closed();
    }
    return session;
  }

  private Session open(Duration networkWait) {
    Connection connection = null;
    try {
      connection = connector.open();
      int before = connector.networkTimeout(connection);
      connector.limitNetworkWait(connection, networkWait);
      return new Session(connection, dialect.open(connection), before);
    } catch (SQLException e) {
      if (connection != null) {
        Connector.closeQuietly(connection);
      }
      throw Connector.failure("opening a lock session on " + provider.storeName(), e, connection);
    } catch (RuntimeException e) {
      if (connection != null) {
        Connector.closeQuietly(connection);
      }
      throw e;
    }
  }

  /** Takes an empty holding session out of use when there are more than enough. */
  private void retire(Session session) {
    session.lock.lock();
    try {
      if (!session.grants.isEmpty() || !session.usable() || holding.size() <= target) {
        return;
      }
      session.retired = true;
      holding.remove(session);
    } finally {
      session.lock.unlock();
    }
    recycle(new Session(session.connection, session.serverId, session.networkTimeoutBefore));
  }

  private void recycle(Session session) {
    if (session.broken) {
      return;
    }
    if (provider.closing() || spare.size() >= MAX_SPARE) {
      giveBack(session);
      return;
    }
    spare.addFirst(session);
    if (provider.closing() && spare.remove(session)) {
      giveBack(session);
    }
  }

  /**
   * Closes a working session's connection, which gives it back to the DataSource, maybe the
   * application's pool: first without any session lock or setting of Baton's. A failure here
   * only means the connection is closed as it is (a pool then usually discards it).
   */
  private void giveBack(Session session) {
    try {
      // A healthy server answers at once; an outage must not hold up close() for long.
      connector.limitNetworkWait(session.connection, RESET_WAIT.compareTo(connector.timeout()) < 0
          ? RESET_WAIT : connector.timeout());
      dialect.reset(session.connection);
      connector.restoreNetworkWait(session.connection, session.networkTimeoutBefore);
    } catch (SQLException | RuntimeException e) {
      log.debug("Could not reset {} before closing it: {}", session, e.toString());
    }
    Connector.closeQuietly(session.connection);
  }

  @Override
  public void close() {
    List<Session> all = new ArrayList<>(holding);
    all.addAll(spare);
    holding.clear();
    spare.clear();
    for (Session session : all) {
      session.lock.lock();
      try {
        boolean broken = session.broken;
        session.broken = true;
        if (broken) {
          Connector.closeQuietly(session.connection);
        } else {
          giveBack(session);
        }
      } finally {
        session.lock.unlock();
      }
    }
    connector.close();
  }
}
