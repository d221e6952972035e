package dev.baton.locks.jdbc;

import javax.sql.DataSource;

class MariaDbScenariosTest extends JdbcScenarios {
  @Override
  DataSource dataSource() {
    return Databases.mariadb();
  }

  @Override
  JdbcLockProvider.Strategy expectedStrategy() {
    return JdbcLockProvider.Strategy.MYSQL_GET_LOCK;
  }
}
