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

  void process(Connection connection, List<I> batch) throws X;
}
