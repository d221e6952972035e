package dev.baton.locks.redis;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.LockProviderContract;
import dev.baton.testkit.RedisServer;

/** Redis against the whole contract, on a real redis-server started by the testkit. */
class RedisLockProviderContractTest extends LockProviderContract {

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return RedisLockProvider.builder(RedisServer.shared().uri()).ticker(ticker).build();
  }
}
