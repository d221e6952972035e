package dev.baton.tx;

import java.sql.Connection;

/**
 * Transaction isolation levels, as in {@link Connection}.
 *
 * <p>Immutable and thread-safe.
 */
public enum Isolation {
  /** {@link Connection#TRANSACTION_READ_UNCOMMITTED}: dirty reads possible. */
  READ_UNCOMMITTED(Connection.TRANSACTION_READ_UNCOMMITTED),
  /** {@link Connection#TRANSACTION_READ_COMMITTED}: sees only committed data. */
  READ_COMMITTED(Connection.TRANSACTION_READ_COMMITTED),
  /** {@link Connection#TRANSACTION_REPEATABLE_READ}: rows read once read the same again. */
  REPEATABLE_READ(Connection.TRANSACTION_REPEATABLE_READ),
  /**
   * {@link Connection#TRANSACTION_SERIALIZABLE}: as if run one after another; concurrent
   * transactions may fail with serialization failures, which a {@link RetryPolicy} retries.
   */
  SERIALIZABLE(Connection.TRANSACTION_SERIALIZABLE);

  private final int jdbcLevel;

  Isolation(int jdbcLevel) {
    this.jdbcLevel = jdbcLevel;
  }

  /** {@return the matching {@code Connection.TRANSACTION_*} constant} */
  public int jdbcLevel() {
    return jdbcLevel;
  }
}
