package dev.baton.tx;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One physical transaction: a connection taken from the DataSource, set up for the
 * transactor's settings, and everything needed to put that connection back as it was found.
 */
final class OpenTransaction {
  final Connection connection;
  final long startNanos;
  final int attempt;
  /** Set when a joined nested unit of work failed: the transaction must not commit. */
  Throwable rollbackOnlyCause;
  /** The transactor that opened it: its threshold and listener. */
  final Transactor transactor;
  /** When the long-transaction threshold passes, on the {@link System#nanoTime} scale. */
  long longAfterNanos;
  /** Whether HELD_TOO_LONG was reported for this transaction (at most once). */
  final AtomicBoolean reportedLong = new AtomicBoolean();
  /** The thread that runs the transaction, for the long-transaction warning. */
  final String threadName = Thread.currentThread().getName();

  private Boolean savedAutoCommit;
  private Boolean savedReadOnly;
  private Integer savedIsolation;
  private Dialect.Restore restore = Dialect.Restore.NOTHING;

  private OpenTransaction(Transactor transactor, Connection connection, long startNanos,
      int attempt) {
    this.transactor = transactor;
    this.connection = connection;
    this.startNanos = startNanos;
    this.attempt = attempt;
  }

  /** Takes a connection and starts a transaction on it with the transactor's settings. */
  static OpenTransaction open(Transactor transactor, int attempt) {
    long start = System.nanoTime();
    Connection connection;
    try {
      connection = transactor.dataSource().getConnection();
    } catch (SQLException | RuntimeException e) {
      throw new TransactionException("could not get a connection: " + e.getMessage(), e);
    }
    OpenTransaction tx = new OpenTransaction(transactor, connection, start, attempt);
    try {
      tx.setUp(transactor);
    } catch (Throwable failure) {
      Throwable endFailure = tx.end();
      TransactionException e = new TransactionException(
          "could not start a transaction: " + failure.getMessage(), failure);
      if (endFailure != null) {
        e.addSuppressed(endFailure);
      }
      throw e;
    }
    return tx;
  }

  private void setUp(Transactor transactor) throws SQLException {
    if (transactor.isReadOnly()) {
      savedReadOnly = connection.isReadOnly();
      connection.setReadOnly(true);
    }
    Isolation isolation = transactor.isolation();
    if (isolation != null) {
      int current = connection.getTransactionIsolation();
      if (current != isolation.jdbcLevel()) {
        savedIsolation = current;
        connection.setTransactionIsolation(isolation.jdbcLevel());
      }
    }
    if (connection.getAutoCommit()) {
      savedAutoCommit = true;
      connection.setAutoCommit(false);
    }
    if (transactor.lockTimeout() != null || transactor.statementTimeout() != null) {
      restore = transactor.dialect(connection).applyForTransaction(connection,
          transactor.lockTimeout(), transactor.statementTimeout());
    }
  }

  long heldNanos() {
    return System.nanoTime() - startNanos;
  }

  /**
   * Once the transaction has committed or rolled back: undoes every setting made by
   * {@link #setUp}, in reverse order, and closes the connection, whatever fails on the way.
   * Returns the first failure (later ones suppressed), or null.
   */
  Throwable end() {
    Throwable failure = null;
    if (savedAutoCommit != null) {
      failure = attempt(failure, () -> connection.setAutoCommit(savedAutoCommit));
    }
    failure = attempt(failure, () -> restore.run(connection));
    if (savedIsolation != null) {
      failure = attempt(failure, () -> connection.setTransactionIsolation(savedIsolation));
    }
    if (savedReadOnly != null) {
      failure = attempt(failure, () -> connection.setReadOnly(savedReadOnly));
    }
    return attempt(failure, connection::close);
  }

  private interface SqlAction {
    void run() throws SQLException;
  }

  private static Throwable attempt(Throwable failure, SqlAction action) {
    try {
      action.run();
      return failure;
    } catch (SQLException | RuntimeException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
      return failure;
    }
  }
}
