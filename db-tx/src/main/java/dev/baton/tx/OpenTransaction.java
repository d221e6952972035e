package dev.baton.tx;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;
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

  /**
   * Set when a rollback threw (anything) or an Error hit the ending path: the connection may
   * still hold the failed work, and setting auto-commit back would commit it (JDBC commits the
   * open transaction when auto-commit is switched on). {@link #end()} then aborts it instead.
   */
  boolean mustAbort;
  /**
   * The lock timeout in force for the transaction's statements (the transactor's, capped on H2
   * by the statement timeout), or null for the database's own.
   */
  Duration effectiveLockTimeout;

  /**
   * Runs the driver's abort work on the calling thread: abort only closes the socket (no round
   * trip), and the connection must be dead before it goes back to a pool.
   */
  private static final Executor ABORT_IN_PLACE = Runnable::run;

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
      Dialect dialect = transactor.dialect(connection);
      restore = dialect.applyForTransaction(connection,
          transactor.lockTimeout(), transactor.statementTimeout());
      effectiveLockTimeout = dialect.effectiveLockTimeout(transactor.lockTimeout(),
          transactor.statementTimeout());
    }
  }

  long heldNanos() {
    return System.nanoTime() - startNanos;
  }

  /**
   * Once the transaction has committed or rolled back: undoes every setting made by
   * {@link #setUp}, in reverse order, and closes the connection, whatever fails on the way.
   * Returns the first failure (later ones suppressed), or null.
   *
   * <p>After a failed rollback ({@link #mustAbort}) nothing is restored: the connection is
   * aborted ({@link Connection#abort}), so that the server rolls the work back when the session
   * ends and a pool cannot hand the connection out again, and then closed. An {@link Error}
   * thrown by a restoring step aborts the connection too, and propagates once it is closed.
   */
  Throwable end() {
    Throwable failure = null;
    try {
      if (!mustAbort) {
        failure = restore();
      }
    } catch (Error e) {
      mustAbort = true;
      throw e;
    } finally {
      if (mustAbort) {
        failure = attempt(failure, () -> {
          try {
            connection.abort(ABORT_IN_PLACE);
          } catch (SecurityException | UnsupportedOperationException noPermissionCheck) {
            // H2 checks a permission in abort(), which Java 24+ no longer supports: the close
            // below ends the connection all the same, without restoring auto-commit.
          }
        });
      }
      failure = attempt(failure, connection::close);
    }
    return failure;
  }

  private Throwable restore() {
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
    return failure;
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
