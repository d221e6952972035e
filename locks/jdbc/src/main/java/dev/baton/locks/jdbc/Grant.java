package dev.baton.locks.jdbc;

import java.time.Duration;

/** A name granted at the database: the store side of one {@link JdbcLockProvider.JdbcLease}. */
abstract class Grant {
  final String name;
  final long token;
  /** The provider's ticker reading taken before the granting request. */
  final long tickerStart;

  Grant(String name, long token, long tickerStart) {
    this.name = name;
    this.token = token;
    this.tickerStart = tickerStart;
  }

  /** Called once, when the lease for this grant exists. */
  void bind(JdbcLockProvider.JdbcLease lease) {}

  /** Owner-checked: true if the grant was still held and now lasts {@code leaseTime} more. */
  abstract boolean renew(Duration leaseTime);

  /** Owner-checked: true if this call freed the name. */
  abstract boolean unlock();
}
