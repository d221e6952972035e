/**
 * {@link dev.baton.locks.LockProvider} on a relational database: PostgreSQL advisory locks,
 * MySQL/MariaDB {@code GET_LOCK}, a lock table elsewhere, and transaction-scoped locks.
 * {@code java.sql} is re-exported because {@code DataSource} and {@code Connection} appear in
 * the API. The JDBC driver is the application's: Baton requires none.
 */
module dev.baton.locks.jdbc {
  requires transitive dev.baton.locks;
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.baton.locks.jdbc;
}
