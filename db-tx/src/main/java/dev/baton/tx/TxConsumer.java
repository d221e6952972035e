package dev.baton.tx;

import java.sql.Connection;

/**
 * Work run in a transaction that returns nothing; see {@link TxFunction}.
 *
 * <p>Called on the thread that runs the transaction, once per attempt; an instance used by
 * several threads at once must be thread-safe.
 *
 * @param <X> the checked exception the work may throw ({@code RuntimeException} if none)
 */
@FunctionalInterface
public interface TxConsumer<X extends Exception> {

  /**
   * Does the work inside the transaction.
   *
   * @param connection the transaction's connection; do not commit, roll back or close it
   * @throws X the work's own failure, which rolls the transaction back and is rethrown unchanged
   */
  void accept(Connection connection) throws X;
}
