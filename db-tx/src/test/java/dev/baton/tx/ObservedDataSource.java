package dev.baton.tx;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Test double for failure injection and observation only: hands out one real connection again
 * and again (like a pool of one that does not reset anything), counts the closes, and can make
 * chosen Connection methods fail. The behaviour under test runs on the real database.
 */
final class ObservedDataSource implements DataSource {
  final Connection physical;
  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  /** Connection method names that throw an SQLException when called. */
  final Set<String> failing = ConcurrentHashMap.newKeySet();

  ObservedDataSource(Connection physical) {
    this.physical = physical;
  }

  int open() {
    return opened.get() - closed.get();
  }

  @Override
  public Connection getConnection() {
    opened.incrementAndGet();
    InvocationHandler handler = (proxy, method, args) -> {
      if (failing.contains(method.getName())) {
        throw new SQLException("injected failure of " + method.getName(), "08006");
      }
      if (method.getName().equals("close")) {
        closed.incrementAndGet();
        return null;
      }
      try {
        return method.invoke(physical, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, handler);
  }

  @Override
  public Connection getConnection(String username, String password) {
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
