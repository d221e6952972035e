package dev.baton.locks.jdbc;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.LockProviderContract;

/** The whole contract on a real server started by the testkit, with the strategy AUTO picks. */
class PostgresLockProviderContractTest extends LockProviderContract {

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return JdbcLockProvider.builder(Databases.postgres()).ticker(ticker).build();
  }
}
