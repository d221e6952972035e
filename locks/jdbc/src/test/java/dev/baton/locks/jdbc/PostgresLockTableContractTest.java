package dev.baton.locks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.locks.LockProvider;
import dev.baton.locks.Ticker;
import dev.baton.testkit.LockProviderContract;
import dev.baton.testkit.PostgresServer;
import javax.sql.DataSource;

/**
 * The whole contract with the lock-table strategy on a real server: its clock expression. The
 * provider borrows a connection per operation, so it runs on a pool, as an application's would:
 * without one, every poll of a waiter forks a PostgreSQL backend and authenticates (SCRAM), and
 * the contention rounds take minutes on a 2-core machine.
 */
class PostgresLockTableContractTest extends LockProviderContract {
  /** One pool for the JVM, like the testkit's shared server it points at. */
  private static final DataSource POOL = pool();

  private static DataSource pool() {
    PostgresServer server = PostgresServer.shared();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.jdbcUrl());
    config.setUsername(server.user());
    config.setPassword(server.password());
    config.setMaximumPoolSize(8);
    config.setPoolName("lock-table-contract");
    return new HikariDataSource(config);
  }

  @Override
  protected LockProvider newClient(Ticker ticker) {
    return JdbcLockProvider.builder(POOL).strategy(JdbcLockProvider.Strategy.LOCK_TABLE)
        .lockTable("baton_lock_table_test").ticker(ticker).build();
  }
}
