package dev.baton.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Counts the statements executed (and the commits and rollbacks) on the connections it hands
 * out, as the client sees its round trips to the database; passes everything through. Used by
 * {@link KeepAliveBenchmark} next to the server's own counters. Thread-safe.
 */
final class CountingDataSource {
  private static final Set<String> ROUND_TRIPS = Set.of("execute", "executeQuery",
      "executeUpdate", "executeBatch", "executeLargeUpdate", "executeLargeBatch");

  final AtomicLong roundTrips = new AtomicLong();
  private final DataSource target;

  CountingDataSource(DataSource target) {
    this.target = target;
  }

  private Object counted(Object statement, Class<?> type) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (ROUND_TRIPS.contains(method.getName())) {
            roundTrips.incrementAndGet();
          }
          return call(statement, method, args);
        });
  }

  private Connection counted(Connection connection) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          String name = method.getName();
          if (name.equals("commit") || name.equals("rollback")) {
            roundTrips.incrementAndGet();
          }
          Object result = call(connection, method, args);
          if (result instanceof CallableStatement callable) {
            return counted(callable, CallableStatement.class);
          }
          if (result instanceof PreparedStatement prepared) {
            return counted(prepared, PreparedStatement.class);
          }
          if (result instanceof Statement statement) {
            return counted(statement, Statement.class);
          }
          return result;
        });
  }

  private static Object call(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The data source to hand the provider: {@code target}, its connections counted. */
  DataSource dataSource() {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object result = call(target, method, args);
          return result instanceof Connection connection ? counted(connection) : result;
        });
  }
}
