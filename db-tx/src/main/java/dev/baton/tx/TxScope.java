package dev.baton.tx;

import java.sql.Connection;

/**
 * A transaction opened by {@link Transactor#begin()}, for code that cannot be put in a lambda.
 * It rolls back unless {@link #commit()} was called, and always gives its connection back:
 *
 * <pre>{@code
 * try (TxScope tx = transactor.begin()) {
 *   insertOrder(tx.connection(), order);
 *   tx.commit();
 * }   // no commit (an exception, an early return): rolled back here
 * }</pre>
 *
 * <p>A scope is not retried (Baton cannot run the code in it again). Not thread-safe: use and
 * close it on the thread that opened it.
 */
public interface TxScope extends AutoCloseable {

  /**
   * The transaction's connection. Do not commit, roll back or close it yourself.
   *
   * @return the connection the scope holds until it is closed
   */
  Connection connection();

  /**
   * Commits (for a nested scope: releases its savepoint, or, when joined, leaves the decision to
   * the outer transaction). On failure the transaction is rolled back and a
   * {@link TransactionException} thrown; {@link #close()} then only gives the connection back.
   *
   * @throws IllegalStateException if already committed or closed
   */
  void commit();

  /**
   * Rolls back unless committed (a nested scope: back to its savepoint, or marks the joined
   * transaction rollback-only), restores the connection's settings and closes it. Idempotent.
   *
   * @throws TransactionException if the rollback fails (after the connection was closed)
   */
  @Override
  void close();
}
