package dev.baton.tx;

/**
 * What a transactional call does when the same thread already runs a transaction on the same
 * {@code DataSource} (through any {@link Transactor}). Chosen per transactor with
 * {@link Transactor.Builder#nesting(Nesting)}; the default is {@link #REJECT}, so that nesting
 * is always a decision written in the code, never an accident.
 *
 * <p>A nested call never retries, never opens a connection and ignores its transactor's
 * isolation, read-only and timeout settings: the outer transaction's hold. A retryable failure
 * inside it propagates to the outermost call, which retries the whole unit of work.
 *
 * <p>Immutable and thread-safe.
 */
public enum Nesting {
  /**
   * Run on the outer transaction's connection. If the nested work throws, the outer
   * transaction becomes rollback-only: even if the outer work catches the exception, the
   * transaction is rolled back at its end and a {@link TransactionException} says why.
   */
  JOIN,
  /**
   * Run on the outer transaction's connection inside a savepoint: released on success, rolled
   * back to on failure (the outer transaction goes on, and can catch the exception).
   */
  SAVEPOINT,
  /** Throw a {@link TransactionException}. The default. */
  REJECT
}
