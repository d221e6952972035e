package dev.baton.locks.jdbc;

import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One database session of a {@link SessionLocks}: a connection of the provider's own, the
 * server's id for it, and the grants it holds. {@link #lock} serialises everything done on the
 * connection and guards the state flags.
 */
final class Session {
  final Connection connection;
  final long serverId;
  /** The connection's network timeout when the DataSource gave it, or -1 if unknown. */
  final int networkTimeoutBefore;
  final ReentrantLock lock = new ReentrantLock();
  final Set<SessionGrant> grants = ConcurrentHashMap.newKeySet();
  /** The connection failed: its locks are gone with it. Set under {@link #lock}. */
  volatile boolean broken;
  /** No longer used for new grants (it held nothing and there were enough). Under {@link #lock}. */
  volatile boolean retired;

  Session(Connection connection, long serverId, int networkTimeoutBefore) {
    this.connection = connection;
    this.serverId = serverId;
    this.networkTimeoutBefore = networkTimeoutBefore;
  }

  boolean usable() {
    return !broken && !retired;
  }

  @Override
  public String toString() {
    return "session " + serverId;
  }
}
