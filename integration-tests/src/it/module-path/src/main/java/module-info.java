/** A user's application as a named module: exactly the four Baton modules it uses. */
module dev.baton.it.modulepath {
  requires dev.baton.locks.redis;
  requires dev.baton.cache.redis;
  requires dev.baton.tx;
  requires dev.baton.validation;
  requires dev.baton.testkit; // only to start a real Redis server for the check
  requires com.h2database;
  requires java.naming; // H2's JdbcDataSource is Referenceable

  // validation binds records reflectively (Jackson): the package holding them is opened to it
  opens dev.baton.it.modulepath to com.fasterxml.jackson.databind;
}
