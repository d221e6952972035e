package dev.baton.tx;

import java.sql.Connection;

/**
 * Work run in a transaction that returns a value. It may throw its own checked exception type
 * {@code X}, which {@link Transactor#inTransaction} rethrows unchanged. Must not commit, roll
 * back, close the connection or change its auto-commit mode: the transactor does that.
 *
 * <p>Called on the thread that runs the transaction, once per attempt; an instance used by
 * several threads at once must be thread-safe.
 *
 * @param <T> the result
 * @param <X> the checked exception the work may throw ({@code RuntimeException} if none)
 */
@FunctionalInterface
public interface TxFunction<T, X extends Exception> {

  /**
   * Does the work inside the transaction.
   *
   * @param connection the transaction's connection; do not commit, roll back or close it
   * @return the result, handed to the caller once the transaction committed
   * @throws X the work's own failure, which rolls the transaction back and is rethrown unchanged
   */
  T apply(Connection connection) throws X;
}
