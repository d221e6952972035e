/**
 * Real servers for tests (Redis, etcd, PostgreSQL, MariaDB) and the contract suite every
 * {@link dev.baton.locks.LockProvider} passes. JUnit's API is re-exported because the contract
 * is a JUnit 5 test class; the package is opened to JUnit so that it can run the suite's
 * test methods in a subclass of another module. Testcontainers is optional (used only where a
 * Docker engine runs); it has no module name of its own, hence {@code testcontainers}. The
 * fault suite ({@code dev.baton.testkit.faults}) uses JDBC only to end lock sessions, through
 * the driver the backend's tests bring.
 */
@SuppressWarnings("requires-automatic")
module dev.baton.testkit {
  requires transitive dev.baton.locks;
  requires transitive org.junit.jupiter.api;
  requires static testcontainers;
  requires java.net.http;
  requires java.sql;
  requires org.slf4j;

  exports dev.baton.testkit;
  exports dev.baton.testkit.faults;
  opens dev.baton.testkit to org.junit.platform.commons;
}
