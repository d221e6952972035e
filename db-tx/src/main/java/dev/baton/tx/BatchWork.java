package dev.baton.tx;

import java.sql.Connection;
import java.util.List;

/**
 * Work on one batch of items, run in a transaction of its own by {@link Transactor#inBatches}.
 * The batch is a read-only view of the input list.
 *
 * <p>Called on the thread that runs the transaction, once per attempt; an instance used by
 * several threads at once must be thread-safe.
 *
 * @param <I> the item type
 * @param <X> the checked exception the work may throw ({@code RuntimeException} if none)
 */
@FunctionalInterface
public interface BatchWork<I, X extends Exception> {

  /**
   * Processes one batch inside its transaction.
   *
   * @param connection the transaction's connection; do not commit, roll back or close it
   * @param batch the items of this batch, a read-only view of the input
   * @throws X the work's own failure, which rolls this batch back and is recorded in the report
   */
  void process(Connection connection, List<I> batch) throws X;
}
