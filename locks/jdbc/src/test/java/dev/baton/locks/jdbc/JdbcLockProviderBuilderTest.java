package dev.baton.locks.jdbc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.locks.LockException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Bad settings fail fast, naming the value. */
class JdbcLockProviderBuilderTest {
  private final DataSource h2 = Databases.h2("builder");

  @Test
  void identifiersThatAreNotPlainSqlNamesAreRefused() {
    for (String bad : new String[] {"locks; DROP TABLE x", "a b", "1table", "\"quoted\"", "", "a.b.c"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JdbcLockProvider.builder(h2).lockTable(bad));
      assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> JdbcLockProvider.builder(h2).tokenSequence(bad));
    }
    JdbcLockProvider.builder(h2).lockTable("app.locks").tokenSequence("app_tokens");
  }

  @Test
  void numbersAndDurationsAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JdbcLockProvider.builder(h2).sessions(0));
    assertTrue(e.getMessage().contains(": 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JdbcLockProvider.builder(h2).timeout(Duration.ZERO));
    assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JdbcLockProvider.builder(h2).heartbeat(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> JdbcLockProvider.builder(h2).namespace(""));
    assertThrows(NullPointerException.class, () -> JdbcLockProvider.builder(null));
  }

  @Test
  void aStrategyTheDatabaseLacksIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JdbcLockProvider.builder(h2).strategy(JdbcLockProvider.Strategy.POSTGRESQL_ADVISORY).build());
    assertTrue(e.getMessage().contains("H2"), e.getMessage());
  }

  @Test
  void withoutSchemaCreationAMissingTableIsNamed() {
    try (JdbcLockProvider locks = JdbcLockProvider.builder(h2).lockTable("no_such_table")
        .createSchema(false).build()) {
      LockException e = assertThrows(LockException.class, () -> locks.tryAcquire("x", Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
    }
  }
}
