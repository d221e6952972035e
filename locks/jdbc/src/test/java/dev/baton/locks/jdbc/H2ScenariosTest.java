package dev.baton.locks.jdbc;

import javax.sql.DataSource;

class H2ScenariosTest extends JdbcScenarios {
  @Override
  DataSource dataSource() {
    return Databases.h2("scenarios");
  }

  @Override
  JdbcLockProvider.Strategy expectedStrategy() {
    return JdbcLockProvider.Strategy.LOCK_TABLE;
  }
}
