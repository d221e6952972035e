package dev.baton.tx;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Test double for failure injection only: wraps a real pool, and makes the next
 * {@code rollback()} throw what {@link #failNextRollback} supplies instead of rolling back (the
 * connection stays open and its transaction pending, as after a rollback that timed out).
 * Counts the closes and aborts; everything else runs on the real connection.
 */
final class RollbackFailingDataSource implements DataSource {
  private final DataSource pool;
  final AtomicInteger closed = new AtomicInteger();
  final AtomicInteger aborted = new AtomicInteger();
  private final AtomicReference<Supplier<? extends Throwable>> nextRollback =
      new AtomicReference<>();

  RollbackFailingDataSource(DataSource pool) {
    this.pool = pool;
  }

  void failNextRollback(Supplier<? extends Throwable> failure) {
    nextRollback.set(failure);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection real = pool.getConnection();
    InvocationHandler handler = (proxy, method, args) -> {
      String name = method.getName();
      if (name.equals("rollback") && method.getParameterCount() == 0) {
        Supplier<? extends Throwable> failure = nextRollback.getAndSet(null);
        if (failure != null) {
          throw failure.get();
        }
      } else if (name.equals("close")) {
        closed.incrementAndGet();
      } else if (name.equals("abort")) {
        aborted.incrementAndGet();
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, handler);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
