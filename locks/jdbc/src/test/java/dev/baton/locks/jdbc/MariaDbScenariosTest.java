package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.Lease;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class MariaDbScenariosTest extends JdbcScenarios {
  @Override
  DataSource dataSource() {
    return Databases.mariadb();
  }

  @Override
  JdbcLockProvider.Strategy expectedStrategy() {
    return JdbcLockProvider.Strategy.MYSQL_GET_LOCK;
  }

  @Test
  void tokensComeFromTheSequenceOnMariaDbAndFromTheTableOnMySql() throws Exception {
    String name = unique("token-source");
    JdbcLockProvider.Builder mysqlWay = JdbcLockProvider.builder(dataSource());
    mysqlWay.mysqlTokensInTable = true;
    try (JdbcLockProvider mariadb = JdbcLockProvider.create(dataSource());
        JdbcLockProvider mysql = mysqlWay.build();
        Connection c = dataSource().getConnection()) {
      Lease first = mariadb.tryAcquire(name, LONG).orElseThrow();
      assertEquals(0L, Sql.queryLong(c, "SELECT COUNT(*) FROM baton_lock WHERE lock_name = ?", name),
          "MariaDB's token is NEXTVAL in the grant's statement: no row written");
      assertTrue(first.release());
      Lease second = mysql.tryAcquire(name, LONG).orElseThrow();
      assertEquals(1L, Sql.queryLong(c, "SELECT token FROM baton_lock WHERE lock_name = ?", name),
          "MySQL's token is the name's row, created at 1");
      assertTrue(second.release());
    }
  }
}
