package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A pooler in transaction mode runs each transaction on whichever server session is free. It is
 * simulated here (failure injection) by a connection that sends each statement to one of two
 * real PostgreSQL sessions in turn; the provider must refuse it, not hand out locks that would
 * be stranded.
 */
class PoolerDetectionTest {

  @Test
  void refusesAConnectionWhoseStatementsChangeServerSession() throws Exception {
    DataSource real = Databases.postgres();
    DataSource pooler = new org.postgresql.ds.PGSimpleDataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return transactionPooled(real.getConnection(), real.getConnection());
      }
    };
    try (JdbcLockProvider locks = JdbcLockProvider.create(pooler)) {
      LockException refused = assertThrows(LockException.class,
          () -> locks.tryAcquire("behind-a-pooler", Duration.ofMinutes(1)));
      assertFalse(refused instanceof LockUnavailableException, "not an outage: " + refused);
      assertTrue(refused.getMessage().contains("pooler in transaction mode"), refused.getMessage());
    }
    try (JdbcLockProvider direct = JdbcLockProvider.create(real)) {
      assertTrue(direct.tryAcquire("behind-a-pooler", Duration.ofMinutes(1)).isPresent(),
          "a refused provider must not leave a lock behind");
    }
  }

  private static Connection transactionPooled(Connection a, Connection b) {
    AtomicInteger statements = new AtomicInteger();
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Connection target = a;
          if (method.getName().equals("prepareStatement") || method.getName().equals("createStatement")) {
            target = statements.getAndIncrement() % 2 == 0 ? a : b;
          }
          try {
            if (method.getName().equals("close")) {
              b.close();
            }
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
