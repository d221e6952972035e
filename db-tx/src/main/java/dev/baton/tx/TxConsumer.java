package dev.baton.tx;

import java.sql.Connection;

/**
 * Work run in a transaction that returns nothing; see {@link TxFunction}.
 *
 * @param <X> the checked exception the work may throw ({@code RuntimeException} if none)
 */
@FunctionalInterface
public interface TxConsumer<X extends Exception> {

  void accept(Connection connection) throws X;
}
