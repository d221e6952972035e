package dev.baton.testkit;

import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import java.time.Duration;

/**
 * What a scenario file of the contract suite runs on: the suite's clients of the store under
 * test, its per-test lock names, and the store's timing parameters. {@link LockProviderContract}
 * supplies it; a backend never implements it.
 *
 * <p>Implementations are as thread-safe as the suite (one test method at a time per instance).
 */
public interface ContractClients {

  /**
   * A new client of the store under test whose local lease deadlines run on {@code ticker},
   * closed after the test.
   *
   * @param ticker the clock of the client's local lease deadlines
   * @return a new provider, owned (and closed) by the suite
   */
  LockProvider client(Ticker ticker);

  /**
   * A lock name unique to this test run.
   *
   * @param suffix what tells this name from the test's other names
   * @return a name no other test or run uses
   */
  String name(String suffix);

  /**
   * A lease the suite lets run out; see {@link LockProviderContract#shortLease()}.
   *
   * @return the short lease time
   */
  Duration shortLease();

  /**
   * How long after a lease's end the store may still hold the name.
   *
   * @return the store's expiry grace
   */
  Duration expiryGrace();

  /**
   * Waiting budget for a name to be freed by an unrenewed short lease.
   *
   * @return {@link #shortLease()} plus {@link #expiryGrace()} plus 5 seconds, by default
   */
  default Duration expiryWait() {
    return shortLease().plus(expiryGrace()).plusSeconds(5);
  }
}
