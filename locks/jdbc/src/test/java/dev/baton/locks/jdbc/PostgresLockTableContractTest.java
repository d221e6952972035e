package dev.baton.locks.jdbc;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.LockProviderContract;

/** The whole contract with the lock-table strategy on a real server: its clock expression. */
class PostgresLockTableContractTest extends LockProviderContract {

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return JdbcLockProvider.builder(Databases.postgres()).strategy(JdbcLockProvider.Strategy.LOCK_TABLE)
        .lockTable("baton_lock_table_test").ticker(ticker).build();
  }

  @Override
  protected int contentionRounds() {
    return 60; // every operation opens a PostgreSQL connection here (no pool): ~20 ms a grant
  }
}
