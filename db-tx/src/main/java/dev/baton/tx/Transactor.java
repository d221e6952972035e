package dev.baton.tx;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work in JDBC transactions over any {@link DataSource}: commit on success,
 * rollback on any {@link Throwable} (errors too), the connection always closed and put back as
 * it was found (auto-commit, isolation, read-only, timeouts), the caller's exception type kept.
 *
 * <pre>{@code
 * Transactor tx = Transactor.builder(dataSource)
 *     .isolation(Isolation.SERIALIZABLE)
 *     .lockTimeout(Duration.ofSeconds(2))
 *     .build();
 * long id = tx.inTransaction(c -> insertOrder(c, order));      // throws what insertOrder throws
 * }</pre>
 *
 * <p>Serialization failures and deadlocks are retried by the {@link RetryPolicy} (default
 * {@link RetryPolicy#defaults()}), each attempt on a fresh connection: the work must be safe to
 * run again, which it is if its only effects are in the transaction. A call made while the same
 * thread already runs a transaction on the same DataSource follows the {@link Nesting} (default
 * {@link Nesting#REJECT}).
 *
 * <p>Immutable and thread-safe; a transactor holds no connection between calls. Build one per
 * set of settings and share it.
 */
public final class Transactor {
  static final Logger LOG = LoggerFactory.getLogger(Transactor.class);

  private final DataSource dataSource;
  private final Isolation isolation;
  private final boolean readOnly;
  private final Duration lockTimeout;
  private final Duration statementTimeout;
  private final RetryPolicy retryPolicy;
  private final Nesting nesting;
  private final Duration longTransactionThreshold;
  private final TxListener listener;
  /** Detected from the first connection that needs it; the same for every connection. */
  private volatile Dialect dialect;

  private Transactor(Builder builder) {
    this.dataSource = builder.dataSource;
    this.isolation = builder.isolation;
    this.readOnly = builder.readOnly;
    this.lockTimeout = builder.lockTimeout;
    this.statementTimeout = builder.statementTimeout;
    this.retryPolicy = builder.retryPolicy;
    this.nesting = builder.nesting;
    this.longTransactionThreshold = builder.longTransactionThreshold;
    this.listener = builder.listener;
  }

  /**
   * A transactor with the defaults: see {@link Builder}.
   *
   * @param dataSource where connections come from
   * @return the transactor
   */
  public static Transactor create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * Starts configuring a transactor.
   *
   * @param dataSource where connections come from; not null
   * @return a builder holding the defaults
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Runs {@code work} in a transaction and returns its result: commits if it returns, rolls
   * back if it throws anything, and rethrows that exception unchanged (a failed rollback is
   * attached to it as suppressed). Retries as the {@link RetryPolicy} says.
   *
   * @param <T> the result type
   * @param <X> the checked exception the work may throw
   * @param work the work, run once per attempt on a fresh connection
   * @return what the work returned in the attempt that committed
   * @throws X what the work throws
   * @throws TransactionException no connection, a failed commit, a rejected nested call
   */
  public <T, X extends Exception> T inTransaction(TxFunction<T, X> work) throws X {
    Objects.requireNonNull(work, "work");
    long started = System.nanoTime();
    List<Throwable> earlier = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      Scope scope;
      T result;
      try {
        scope = Scope.open(this, attempt);
      } catch (TransactionException e) {
        earlier.forEach(e::addSuppressed);
        throw e;
      }
      try {
        result = work.apply(scope.connection());
        scope.commit();
      } catch (Throwable failure) {
        scope.abort(failure);
        if (scope.isOuter() && retry(failure, attempt, started)) {
          earlier.add(failure);
          continue;
        }
        for (Throwable e : earlier) {
          if (e != failure) { // the work may throw one instance on every attempt
            failure.addSuppressed(e);
          }
        }
        throw Transactor.<RuntimeException>rethrow(lockTimeoutOrSame(failure, scope));
      }
      scope.close();
      return result;
    }
  }

  /**
   * {@link #inTransaction} for work that returns nothing.
   *
   * @param <X> the checked exception the work may throw
   * @param work the work, run once per attempt on a fresh connection
   * @throws X what the work throws
   * @throws TransactionException no connection, a failed commit, a rejected nested call
   */
  public <X extends Exception> void useTransaction(TxConsumer<X> work) throws X {
    Objects.requireNonNull(work, "work");
    inTransaction(connection -> {
      work.accept(connection);
      return null;
    });
  }

  /**
   * Opens a transaction for code that cannot be a lambda; close it with try-with-resources.
   * Never retried.
   *
   * @return the open scope, which holds a connection until it is closed
   * @throws TransactionException no connection, a rejected nested call
   */
  public TxScope begin() {
    return Scope.open(this, 1);
  }

  /**
   * Processes {@code items} in batches of {@code size}, each in a transaction of its own
   * (retried as the policy says), going on past failed batches. Same as
   * {@code inBatches(items, BatchOptions.size(size), work)}.
   *
   * @param <I> the item type
   * @param <X> the checked exception the work may throw
   * @param items the input, cut into batches in order
   * @param size items per batch, at least 1
   * @param work the work for one batch
   * @return which batches committed and which failed
   * @throws IllegalArgumentException if {@code size} is less than 1
   * @throws TransactionException if this thread already runs a transaction on this DataSource
   */
  public <I, X extends Exception> BatchReport inBatches(List<I> items, int size,
      BatchWork<I, X> work) {
    return inBatches(items, BatchOptions.size(size), work);
  }

  /**
   * Processes {@code items} in batches, one transaction per batch: a failed batch is rolled
   * back and recorded with its cause, and does not undo the batches committed before it. The
   * report says which batches committed, failed or did not run; passing it to
   * {@link BatchOptions#resume(BatchReport)} runs exactly the batches that did not commit.
   * Exceptions of the work (checked or not) are recorded, not thrown; an {@link Error} rolls
   * its batch back and propagates.
   *
   * @param <I> the item type
   * @param <X> the checked exception the work may throw
   * @param items the input, cut into batches in order
   * @param options the batch size, whether to stop at the first failure, what to resume
   * @param work the work for one batch
   * @return which batches committed, failed or did not run
   * @throws IllegalArgumentException if resuming a report whose item count differs from
   *     {@code items}
   * @throws TransactionException if this thread already runs a transaction on this DataSource
   *     (batches need transactions of their own)
   */
  public <I, X extends Exception> BatchReport inBatches(List<I> items, BatchOptions options,
      BatchWork<I, X> work) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(work, "work");
    if (ActiveTransactions.ofThisThread().containsKey(dataSource)) {
      throw new TransactionException("inBatches runs one transaction per batch and cannot run "
          + "inside a transaction on the same DataSource");
    }
    return BatchRun.run(this, items, options, work);
  }

  DataSource dataSource() {
    return dataSource;
  }

  Isolation isolation() {
    return isolation;
  }

  boolean isReadOnly() {
    return readOnly;
  }

  Duration lockTimeout() {
    return lockTimeout;
  }

  Duration statementTimeout() {
    return statementTimeout;
  }

  Nesting nesting() {
    return nesting;
  }

  Dialect dialect(Connection connection) throws SQLException {
    Dialect known = dialect;
    if (known == null) {
      known = Dialect.of(connection);
      dialect = known;
    }
    return known;
  }

  /**
   * A lock timeout under the transactor's {@code lockTimeout}, thrown by the work as the
   * driver's raw {@link SQLException}, becomes the {@link LockTimeoutException} that
   * {@link RowLocks} throws, on every database; anything else (including the caller's own
   * exceptions wrapping an SQL error) is returned as it is.
   */
  private static Throwable lockTimeoutOrSame(Throwable failure, Scope scope) {
    Duration timeout = scope.lockTimeout();
    if (timeout == null || !(failure instanceof SQLException)) {
      return failure;
    }
    SQLException lockTimeout = SqlFailures.firstInChain(failure, SqlFailures::isLockTimeout);
    if (lockTimeout == null) {
      return failure;
    }
    LockTimeoutException e = new LockTimeoutException(
        LockTimeoutException.message("lock", timeout, lockTimeout) + ": " + failure.getMessage(),
        timeout, lockTimeout);
    if (lockTimeout != failure) {
      e.addSuppressed(failure);
    }
    for (Throwable earlier : failure.getSuppressed()) {
      e.addSuppressed(earlier);
    }
    return e;
  }

  /** Decides on, reports and sleeps before another attempt; false if there is none. */
  private boolean retry(Throwable failure, int attempt, long startedNanos) {
    if (attempt >= retryPolicy.maxAttempts() || !retryPolicy.isRetryable(failure)) {
      return false;
    }
    Duration backoff = retryPolicy.backoffAfter(attempt);
    long elapsed = System.nanoTime() - startedNanos;
    if (elapsed + backoff.toNanos() > retryPolicy.deadline().toNanos()) {
      LOG.warn("not retrying after attempt {}: the retry deadline of {} ms would pass ({})",
          attempt, retryPolicy.deadline().toMillis(), failure.toString());
      return false;
    }
    LOG.info("attempt {} of {} failed, retrying in {} ms: {}", attempt,
        retryPolicy.maxAttempts(), backoff.toMillis(), failure.toString());
    notify(new TxEvent(TxEvent.Type.RETRYING, attempt, Duration.ofNanos(elapsed), failure));
    try {
      TimeUnit.NANOSECONDS.sleep(backoff.toNanos());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.addSuppressed(e);
      return false;
    }
  }

  /** Starts watching an outermost transaction for the long-transaction threshold. */
  void watch(OpenTransaction tx) {
    LongTransactions.opened(tx, longTransactionThreshold.toNanos());
  }

  /** The watchdog: the threshold passed while the transaction is still open. */
  void stillOpen(OpenTransaction tx) {
    if (!tx.reportedLong.compareAndSet(false, true)) {
      return;
    }
    Duration held = Duration.ofNanos(tx.heldNanos());
    LOG.warn("transaction has held its connection for {} ms, over the threshold of {} ms, and is "
        + "still open (attempt {}, thread {})", held.toMillis(), longTransactionThreshold.toMillis(),
        tx.attempt, tx.threadName);
    notify(new TxEvent(TxEvent.Type.HELD_TOO_LONG, tx.attempt, held, null));
  }

  /** Called once an outermost transaction has given its connection back. */
  void ended(OpenTransaction tx, boolean committed, Throwable cause) {
    LongTransactions.ended(tx);
    Duration held = Duration.ofNanos(tx.heldNanos());
    if (held.compareTo(longTransactionThreshold) > 0) {
      if (tx.reportedLong.compareAndSet(false, true)) { // the watchdog was late or absent
        LOG.warn("transaction held its connection for {} ms, over the threshold of {} ms "
            + "(attempt {}, {})", held.toMillis(), longTransactionThreshold.toMillis(),
            tx.attempt, committed ? "committed" : "rolled back");
        notify(new TxEvent(TxEvent.Type.HELD_TOO_LONG, tx.attempt, held, cause));
      } else {
        LOG.warn("the long transaction ended after {} ms (attempt {}, {})", held.toMillis(),
            tx.attempt, committed ? "committed" : "rolled back");
      }
    }
    if (listener != null) {
      notify(new TxEvent(committed ? TxEvent.Type.COMMITTED : TxEvent.Type.ROLLED_BACK,
          tx.attempt, held, cause));
    }
  }

  private void notify(TxEvent event) {
    if (listener == null) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("TxListener failed on {}: {}", event.type(), e.toString(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E rethrow(Throwable failure) throws E {
    throw (E) failure;
  }

  /**
   * Configures a {@link Transactor}. Every setting applies to each transaction the transactor
   * opens, and is undone before its connection goes back. Not thread-safe.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private Isolation isolation;
    private boolean readOnly;
    private Duration lockTimeout;
    private Duration statementTimeout;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Nesting nesting = Nesting.REJECT;
    private Duration longTransactionThreshold = Duration.ofSeconds(10);
    private TxListener listener;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The isolation level; default: the connection's own (left as it is).
     *
     * @param isolation the level set on each transaction's connection
     * @return this builder
     */
    public Builder isolation(Isolation isolation) {
      this.isolation = Objects.requireNonNull(isolation, "isolation");
      return this;
    }

    /**
     * Read-only transactions ({@link Connection#setReadOnly}). Default false.
     *
     * @param readOnly whether transactions are read-only
     * @return this builder
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * How long a statement waits for a row or table lock before failing; positive. Default:
     * the database's. PostgreSQL {@code lock_timeout} (for the transaction); MariaDB/MySQL
     * {@code innodb_lock_wait_timeout}, which takes whole seconds (rounded up); H2
     * {@code LOCK_TIMEOUT} (capped at the {@link #statementTimeout}). Not supported on other
     * databases. A statement of the work that waits this long fails, and the
     * {@code SQLException} the work throws for it comes out of the transactor as a
     * {@link LockTimeoutException} (cause: the driver's exception; its SQLState and error code
     * are kept), the same on every database; a lock timeout the work wraps in an exception of
     * its own is left as it is.
     *
     * @param lockTimeout the lock wait per statement
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder lockTimeout(Duration lockTimeout) {
      this.lockTimeout = RetryPolicy.Builder.positive("lockTimeout", lockTimeout);
      return this;
    }

    /**
     * How long one statement may run before the database cancels it; positive. Default: the
     * database's. PostgreSQL {@code statement_timeout} (for the transaction); MariaDB
     * {@code max_statement_time}; MySQL {@code max_execution_time} (SELECT only); H2
     * {@code QUERY_TIMEOUT}, plus a {@code LOCK_TIMEOUT} capped at this value, because H2's
     * query timeout does not end a statement waiting for a row lock (such a statement then
     * fails with H2's lock-timeout error 50200 at the statement timeout). Not supported on
     * other databases.
     *
     * @param statementTimeout the running time allowed per statement
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder statementTimeout(Duration statementTimeout) {
      this.statementTimeout = RetryPolicy.Builder.positive("statementTimeout", statementTimeout);
      return this;
    }

    /**
     * When to retry; default {@link RetryPolicy#defaults()}; {@link RetryPolicy#none()} never.
     *
     * @param retryPolicy the policy for failed attempts
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * What a nested call does; default {@link Nesting#REJECT}.
     *
     * @param nesting how a transaction started inside another on the same DataSource behaves
     * @return this builder
     */
    public Builder nesting(Nesting nesting) {
      this.nesting = Objects.requireNonNull(nesting, "nesting");
      return this;
    }

    /**
     * A transaction that held its connection longer than this (counted from taking the
     * connection to giving it back) is logged at WARN and reported as
     * {@link TxEvent.Type#HELD_TOO_LONG} as soon as the threshold passes, while it is still
     * open (from a shared watchdog thread), once per transaction; positive. Default 10 s.
     *
     * @param threshold how long a transaction may hold its connection before it is reported
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder longTransactionThreshold(Duration threshold) {
      this.longTransactionThreshold =
          RetryPolicy.Builder.positive("longTransactionThreshold", threshold);
      return this;
    }

    /**
     * Receives an event per commit, rollback, retry and long transaction. Default: none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(TxListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** {@return a transactor with this configuration} */
    public Transactor build() {
      return new Transactor(this);
    }
  }
}
