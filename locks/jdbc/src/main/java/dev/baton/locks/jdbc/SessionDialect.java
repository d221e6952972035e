package dev.baton.locks.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * The SQL of a database with session-level named locks (PostgreSQL advisory locks, MySQL
 * {@code GET_LOCK}). Every method runs on a connection the caller owns for the call.
 */
interface SessionDialect {
  /** The store's key for a name: compared with equals, used as a map key. */
  Object key(String name);

  /**
   * Prepares a new session and returns the server's id for it. Refuses, with a
   * {@link dev.baton.locks.LockException}, a connection whose session state does not stick
   * (a pooler in transaction mode).
   */
  long open(Connection connection) throws SQLException;

  /** The server's id of the session now behind {@code connection}. */
  long sessionId(Connection connection) throws SQLException;

  /** One attempt; the fencing token if granted. Never waits. */
  OptionalLong tryLock(Connection connection, Object key) throws SQLException;

  /**
   * Waits at the server up to {@code waitMillis} (at least 1) on a session that holds nothing;
   * the fencing token if granted, empty when the time ran out.
   */
  OptionalLong lock(Connection connection, Object key, long waitMillis) throws SQLException;

  /** Frees the key if this session holds it; true if it did. */
  boolean unlock(Connection connection, Object key) throws SQLException;

  /**
   * Before the connection goes back to the DataSource (a pool, maybe the application's): frees
   * every session lock still on it and undoes the session settings Baton made.
   */
  void reset(Connection connection) throws SQLException;
}
