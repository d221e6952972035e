package dev.baton.locks.jdbc;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.LockProviderContract;

/** The whole contract with the lock-table strategy on a real server: its clock expression. */
class MariaDbLockTableContractTest extends LockProviderContract {

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return JdbcLockProvider.builder(Databases.mariadb()).strategy(JdbcLockProvider.Strategy.LOCK_TABLE)
        .lockTable("baton_lock_table_test").ticker(ticker).build();
  }
}
