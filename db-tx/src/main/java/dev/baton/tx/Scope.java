package dev.baton.tx;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The one implementation of a transaction's life, used by {@link Transactor#begin()} and by
 * every lambda-taking method: the outermost transaction, or a nested call that joined it or
 * runs in a savepoint of it.
 */
final class Scope implements TxScope {
  enum Kind { OUTER, JOINED, SAVEPOINT }

  private final Transactor transactor;
  private final OpenTransaction tx;
  private final Kind kind;
  private final Savepoint savepoint;
  private final Map<DataSource, OpenTransaction> registry;
  private boolean committed;
  private boolean rolledBack;
  private boolean closed;

  private Scope(Transactor transactor, OpenTransaction tx, Kind kind, Savepoint savepoint,
      Map<DataSource, OpenTransaction> registry) {
    this.transactor = transactor;
    this.tx = tx;
    this.kind = kind;
    this.savepoint = savepoint;
    this.registry = registry;
  }

  /** Opens the outermost transaction, or a nested scope as the transactor's nesting says. */
  static Scope open(Transactor transactor, int attempt) {
    Map<DataSource, OpenTransaction> active = ActiveTransactions.ofThisThread();
    OpenTransaction outer = active.get(transactor.dataSource());
    if (outer == null) {
      OpenTransaction tx = OpenTransaction.open(transactor, attempt);
      active.put(transactor.dataSource(), tx);
      transactor.watch(tx);
      return new Scope(transactor, tx, Kind.OUTER, null, active);
    }
    switch (transactor.nesting()) {
      case JOIN:
        return new Scope(transactor, outer, Kind.JOINED, null, active);
      case SAVEPOINT:
        try {
          return new Scope(transactor, outer, Kind.SAVEPOINT, outer.connection.setSavepoint(),
              active);
        } catch (SQLException e) {
          throw new TransactionException("could not set a savepoint: " + e.getMessage(), e);
        }
      default:
        throw new TransactionException("this thread already runs a transaction on this "
            + "DataSource, and nested calls are rejected (Nesting.REJECT, the default): build "
            + "the inner Transactor with nesting(Nesting.JOIN) or nesting(Nesting.SAVEPOINT)");
    }
  }

  /** The lock timeout the transactor set for the (outermost) transaction, or null. */
  java.time.Duration lockTimeout() {
    return tx.effectiveLockTimeout;
  }

  boolean isOuter() {
    return kind == Kind.OUTER;
  }

  @Override
  public Connection connection() {
    if (closed) {
      throw new IllegalStateException("the transaction is closed");
    }
    return tx.connection;
  }

  @Override
  public void commit() {
    if (closed || committed || rolledBack) {
      throw new IllegalStateException("the transaction is already "
          + (committed ? "committed" : closed ? "closed" : "rolled back"));
    }
    try {
      switch (kind) {
        case OUTER:
          if (tx.rollbackOnlyCause != null) {
            TransactionException e = new TransactionException("rolled back: a joined nested "
                + "unit of work failed: " + tx.rollbackOnlyCause, tx.rollbackOnlyCause);
            rollbackInto(e);
            throw e;
          }
          tx.connection.commit();
          break;
        case SAVEPOINT:
          tx.connection.releaseSavepoint(savepoint);
          break;
        default:
          break;
      }
    } catch (SQLException e) {
      TransactionException failure = new TransactionException(
          (kind == Kind.OUTER ? "commit failed: " : "savepoint release failed: ")
              + e.getMessage(), e);
      rollbackInto(failure);
      throw failure;
    }
    committed = true;
  }

  /**
   * After {@code primary} was thrown: rolls back (unless done) and gives the connection back;
   * every failure on the way is attached to {@code primary} as suppressed.
   */
  void abort(Throwable primary) {
    if (closed) {
      return;
    }
    try {
      if (!committed && !rolledBack) {
        rollbackInto(primary);
      }
    } finally { // an Error from the rollback must not keep the connection or the thread's state
      release(primary);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    TransactionException failure = null;
    try {
      if (!committed && !rolledBack) {
        failure = new TransactionException(kind == Kind.JOINED
            ? "a joined scope was closed without commit" : "rollback failed");
        rollbackInto(failure); // for a joined scope: the outer transaction's rollback-only cause
        if (kind == Kind.JOINED || failure.getSuppressed().length == 0) {
          failure = null;
        }
      }
    } finally {
      release(failure);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Rolls back this scope's work; a failure to do so is attached to {@code primary}, except an
   * {@link Error}, which propagates (with {@code primary} attached to it as suppressed). Either
   * way a failed outer rollback marks the connection to be aborted, never given back with the
   * failed work still in it.
   */
  private void rollbackInto(Throwable primary) {
    rolledBack = true;
    try {
      switch (kind) {
        case OUTER:
          tx.connection.rollback();
          break;
        case SAVEPOINT:
          tx.connection.rollback(savepoint);
          break;
        default:
          if (tx.rollbackOnlyCause == null) {
            tx.rollbackOnlyCause = primary;
          }
          break;
      }
    } catch (Throwable e) {
      if (kind == Kind.OUTER) {
        tx.mustAbort = true;
      }
      if (kind == Kind.SAVEPOINT && tx.rollbackOnlyCause == null) {
        tx.rollbackOnlyCause = primary; // the outer transaction's state is unknown now
      }
      if (e instanceof Error error) {
        if (error != primary) {
          error.addSuppressed(primary);
        }
        throw error;
      }
      primary.addSuppressed(e);
    }
  }

  private void release(Throwable primary) {
    closed = true;
    if (kind != Kind.OUTER) {
      return;
    }
    registry.remove(transactor.dataSource());
    boolean ended = false;
    try {
      Throwable endFailure = tx.end();
      ended = true;
      if (endFailure != null) {
        if (primary != null) {
          primary.addSuppressed(endFailure);
        } else {
          // Committed: the work stands, so this is not the caller's failure to handle.
          Transactor.LOG.warn("connection not restored after commit (attempt {}): {}",
              tx.attempt, endFailure.toString(), endFailure);
        }
      }
    } finally {
      if (ended) {
        transactor.ended(tx, committed, primary);
      } else {
        LongTransactions.ended(tx); // an Error is on its way: no listener, but no watching
      }
    }
  }
}
