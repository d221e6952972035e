package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections from the caller's {@link DataSource} within the timeout (a DataSource may
 * block far longer on a dead server), and tells outages from other SQL errors.
 */
final class Connector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Connector.class);
  private static final AtomicInteger threads = new AtomicInteger();

  private final DataSource dataSource;
  private final Duration timeout;
  private final ExecutorService executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30,
      TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
        Thread thread = new Thread(task, "baton-jdbc-connect-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });

  /** An in-process database cannot stall on a network: connections are opened directly. */
  private volatile boolean embedded;

  Connector(DataSource dataSource, Duration timeout) {
    this.dataSource = dataSource;
    this.timeout = timeout;
  }

  void embedded(boolean embedded) {
    this.embedded = embedded;
  }

  boolean embedded() {
    return embedded;
  }

  /** Whether a JDBC URL names a database inside this JVM (H2, HSQLDB, Derby, SQLite files). */
  static boolean isEmbedded(String url) {
    if (url == null) {
      return false;
    }
    String u = url.toLowerCase(java.util.Locale.ROOT);
    if (u.startsWith("jdbc:h2:")) {
      return !u.startsWith("jdbc:h2:tcp:") && !u.startsWith("jdbc:h2:ssl:");
    }
    if (u.startsWith("jdbc:hsqldb:")) {
      return u.startsWith("jdbc:hsqldb:mem:") || u.startsWith("jdbc:hsqldb:file:")
          || u.startsWith("jdbc:hsqldb:res:");
    }
    if (u.startsWith("jdbc:derby:")) {
      return !u.startsWith("jdbc:derby://");
    }
    return u.startsWith("jdbc:sqlite:");
  }

  Duration timeout() {
    return timeout;
  }

  /** A connection within the timeout, in auto-commit mode. */
  Connection open() throws SQLException {
    if (embedded) {
      return autoCommit(dataSource.getConnection());
    }
    CompletableFuture<Connection> opening;
    try {
      opening = CompletableFuture.supplyAsync(() -> {
        try {
          return dataSource.getConnection();
        } catch (SQLException e) {
          throw new OpenFailure(e);
        }
      }, executor);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new SQLNonTransientConnectionException("the lock provider is closed", "08003", e);
    }
    Connection connection;
    try {
      connection = opening.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      opening.thenAccept(Connector::closeQuietly); // arrives late: nobody wants it
      throw new SQLTimeoutException("no connection from the DataSource within " + timeout, "08001");
    } catch (InterruptedException e) {
      opening.thenAccept(Connector::closeQuietly);
      Thread.currentThread().interrupt();
      throw new SQLTimeoutException("interrupted while opening a connection", "08001", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof OpenFailure failure) {
        throw failure.sqlException();
      }
      throw new SQLNonTransientConnectionException("opening a connection failed: " + cause, "08001", cause);
    }
    return autoCommit(connection);
  }

  private static Connection autoCommit(Connection connection) throws SQLException {
    try {
      if (!connection.getAutoCommit()) {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw e;
    }
    return connection;
  }

  /**
   * A connection of the DataSource for one operation, with every socket read bounded to
   * {@code limit}; closing it gives the connection back with its own network timeout again,
   * so a pooled connection does not keep Baton's.
   */
  Borrowed borrow(Duration limit) throws SQLException {
    Connection connection = open();
    try {
      int previous = networkTimeout(connection);
      limitNetworkWait(connection, limit);
      return new Borrowed(connection, previous);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** See {@link #borrow}. */
  final class Borrowed implements AutoCloseable {
    final Connection connection;
    private final int previousNetworkTimeout;

    private Borrowed(Connection connection, int previousNetworkTimeout) {
      this.connection = connection;
      this.previousNetworkTimeout = previousNetworkTimeout;
    }

    @Override
    public void close() throws SQLException {
      try {
        restoreNetworkWait(connection, previousNetworkTimeout);
      } finally {
        connection.close();
      }
    }
  }

  /** The connection's network timeout in ms, or -1 if the driver has none (or it is embedded). */
  int networkTimeout(Connection connection) throws SQLException {
    if (embedded) {
      return -1;
    }
    try {
      return connection.getNetworkTimeout();
    } catch (SQLFeatureNotSupportedException | UnsupportedOperationException | AbstractMethodError e) {
      return -1;
    }
  }

  /** Sets the network timeout {@link #networkTimeout} read; failures are only logged. */
  void restoreNetworkWait(Connection connection, int previous) {
    try {
      if (previous >= 0 && !connection.isClosed()) {
        connection.setNetworkTimeout(executor, previous);
      }
    } catch (SQLException | RuntimeException | AbstractMethodError e) {
      log.debug("Could not restore the network timeout of a connection: {}", e.toString());
    }
  }

  /**
   * Bounds every socket read of {@code connection} to {@code limit}: a stalled server then
   * fails the statement instead of hanging it. Drivers without network timeouts are left as
   * they are (an embedded database cannot stall on a network).
   */
  void limitNetworkWait(Connection connection, Duration limit) throws SQLException {
    try {
      connection.setNetworkTimeout(executor, (int) Math.min(Integer.MAX_VALUE, limit.toMillis()));
    } catch (SQLFeatureNotSupportedException | UnsupportedOperationException | AbstractMethodError e) {
      log.debug("The driver has no network timeout: {}", e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }

  static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      log.debug("Closing a connection failed: {}", e.toString());
    }
  }

  /**
   * Whether {@code e} says the connection or server is gone (rather than a statement error):
   * SQLState class 08, PostgreSQL's admin shutdown / crash (57P01–57P03), MariaDB's killed
   * connection (70100 with the connection closed), and the JDBC connection exception types.
   */
  static boolean isOutage(SQLException e, Connection connection) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException || t instanceof java.io.IOException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
          return true;
        }
        if (sql instanceof SQLTimeoutException && !"57014".equals(state) && !"70100".equals(state)) {
          return true;
        }
      }
    }
    try {
      return connection != null && connection.isClosed();
    } catch (SQLException closedCheck) {
      return true;
    }
  }

  /** The exception for a failed acquisition step: unavailable for outages, else LockException. */
  static LockException failure(String what, SQLException e) {
    return failure(what, e, null);
  }

  static LockException failure(String what, SQLException e, Connection connection) {
    String message = what + " failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")";
    return isOutage(e, connection) ? new LockUnavailableException(message, e) : new LockException(message, e);
  }

  private static final class OpenFailure extends RuntimeException {
    OpenFailure(SQLException cause) {
      super(cause);
    }

    SQLException sqlException() {
      return (SQLException) getCause();
    }
  }
}
