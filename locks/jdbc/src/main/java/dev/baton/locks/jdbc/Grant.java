package dev.baton.locks.jdbc;

import java.time.Duration;

/** A name granted at the database: the store side of one {@link JdbcLockProvider.JdbcLease}. */
interface Grant {
  long token();

  /** The provider's ticker reading taken before the granting request. */
  long tickerStart();

  /** Called once, when the lease for this grant exists. */
  void bind(JdbcLockProvider.JdbcLease lease);

  /** Owner-checked: true if the grant still held and now lasts {@code leaseTime} more. */
  boolean renew(Duration leaseTime);

  /** Owner-checked: true if this call freed the name. */
  boolean unlock();
}
