package dev.baton.locks.jdbc;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.LockProviderContract;

/** The whole contract on an embedded H2: the lock table, polled by waiters. */
class H2LockProviderContractTest extends LockProviderContract {

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return JdbcLockProvider.builder(Databases.h2("contract")).ticker(ticker).build();
  }
}
