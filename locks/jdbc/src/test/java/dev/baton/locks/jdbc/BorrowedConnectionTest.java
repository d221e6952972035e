package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections borrowed from the application's DataSource go back as they came: a pool must not
 * keep Baton's network timeout on them. The "pool" here hands out one real PostgreSQL
 * connection again and again and ignores close(), as a pool's proxy does.
 */
@Timeout(60)
class BorrowedConnectionTest {

  @Test
  void theLockTableGivesConnectionsBackWithTheirNetworkTimeout() throws Exception {
    try (Connection physical = Databases.postgres().getConnection()) {
      physical.setNetworkTimeout(Runnable::run, 0); // the pool's setting: none
      AtomicInteger borrowed = new AtomicInteger();
      DataSource pool = onePooledConnection(physical, borrowed);
      try (JdbcLockProvider locks = JdbcLockProvider.builder(pool)
          .strategy(JdbcLockProvider.Strategy.LOCK_TABLE)
          .lockTable("baton_lock_borrow_test")
          .timeout(Duration.ofSeconds(3))
          .build()) {
        assertEquals(0, physical.getNetworkTimeout(), "after build()");
        var lease = locks.tryAcquire("borrowed/" + UUID.randomUUID(), Duration.ofMinutes(1)).orElseThrow();
        assertEquals(0, physical.getNetworkTimeout(), "after an acquisition");
        assertTrue(lease.extend(Duration.ofMinutes(2)));
        assertEquals(0, physical.getNetworkTimeout(), "after a renewal");
        assertTrue(lease.release());
        assertEquals(0, physical.getNetworkTimeout(), "after a release");
      }
      assertTrue(borrowed.get() >= 4, "the provider borrowed " + borrowed.get() + " times");
    }
  }

  private static DataSource onePooledConnection(Connection physical, AtomicInteger borrowed) {
    Connection handle = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null; // back to the "pool"
          }
          try {
            return method.invoke(physical, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection")) {
            borrowed.incrementAndGet();
            return handle;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }
}
