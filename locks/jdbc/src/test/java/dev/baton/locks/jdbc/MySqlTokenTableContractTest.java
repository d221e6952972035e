package dev.baton.locks.jdbc;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.LockProviderContract;

/**
 * The whole contract on MariaDB with MySQL's way of issuing tokens (a row per name, updated after
 * the grant), which MySQL servers get because they have no sequences.
 */
class MySqlTokenTableContractTest extends LockProviderContract {

  @Override
  protected LockProvider newClient(Ticker ticker) {
    JdbcLockProvider.Builder builder = JdbcLockProvider.builder(Databases.mariadb()).ticker(ticker);
    builder.mysqlTokensInTable = true;
    return builder.build();
  }
}
