package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Commit, rollback and close on every path; settings applied and undone; nesting; scopes. */
class TransactorTest {
  private PoolFixture fixture;
  private HikariDataSource pool;
  private String table;

  @AfterEach
  void closePool() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** A pool of 4 with a fresh one-column table. */
  private Transactor setUp(TestDb db) throws SQLException {
    fixture = new PoolFixture(db, 4, "paths");
    pool = fixture.pool;
    table = fixture.table;
    return Transactor.create(pool);
  }

  private void insert(Connection connection, int id) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO " + table + " (id) VALUES (?)")) {
      insert.setInt(1, id);
      insert.executeUpdate();
    }
  }

  private long rows() throws SQLException {
    return fixture.ids().size();
  }

  private void assertNoConnectionHeld() {
    fixture.assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void commitsOnSuccessAndReturnsTheValue(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    String result = tx.inTransaction(c -> {
      insert(c, 1);
      return "done";
    });
    assertEquals("done", result);
    assertEquals(1, rows());
    assertNoConnectionHeld();
  }

  /** The work inserts a row and throws {@code thrown}: the same object comes back, no row. */
  private <T extends Throwable> void assertRolledBackAndRethrown(Transactor tx, T thrown)
      throws SQLException {
    Throwable caught = assertThrows(thrown.getClass(), () -> tx.useTransaction(c -> {
      insert(c, 1);
      if (thrown instanceof Error) {
        throw (Error) thrown;
      }
      throw (RuntimeException) thrown;
    }));
    assertSame(thrown, caught);
    assertEquals(0, rows());
    assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void rollsBackOnRuntimeExceptionAndRethrowsIt(TestDb db) throws Exception {
    assertRolledBackAndRethrown(setUp(db), new IllegalStateException("work failed"));
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void keepsTheCheckedExceptionTypeOfTheWork(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    IOException thrown = new IOException("disk full");
    try {
      tx.useTransaction(c -> {
        insert(c, 1);
        if (thrown != null) {
          throw thrown;
        }
      });
      throw new AssertionError("no exception");
    } catch (IOException caught) { // compiles only because the type is kept
      assertSame(thrown, caught);
    }
    assertEquals(0, rows());
    assertNoConnectionHeld();
  }

  static final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    InjectedError() {
      super("injected");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void rollsBackOnAnError(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    assertRolledBackAndRethrown(tx, new InjectedError());
    assertEquals(7, (int) tx.inTransaction(c -> 7), "the pool still works");
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aFailedRollbackIsAttachedToTheOriginalAndTheConnectionStillCloses(TestDb db)
      throws Exception {
    String url = db.url();
    try (Connection physical = db.connect(url)) {
      table = TestDb.table("rbfail");
      TestDb.execute(physical, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
      ObservedDataSource observed = new ObservedDataSource(physical);
      observed.failing.add("rollback");
      Transactor tx = Transactor.create(observed);
      IllegalStateException thrown = new IllegalStateException("work failed");
      IllegalStateException caught = assertThrows(IllegalStateException.class,
          () -> tx.useTransaction(c -> {
            insert(c, 1);
            throw thrown;
          }));
      assertSame(thrown, caught);
      assertEquals(List.of("injected failure of rollback"), Arrays.stream(caught.getSuppressed())
          .map(Throwable::getMessage).collect(Collectors.toList()));
      assertEquals(0, observed.open(), "connections not closed");
      assertEquals(1, observed.closed.get());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aFailedCommitRollsBackAndThrowsTransactionException(TestDb db) throws Exception {
    String url = db.url();
    try (Connection physical = db.connect(url)) {
      table = TestDb.table("cfail");
      TestDb.execute(physical, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
      ObservedDataSource observed = new ObservedDataSource(physical);
      observed.failing.add("commit");
      Transactor tx = Transactor.create(observed);
      TransactionException e = assertThrows(TransactionException.class,
          () -> tx.useTransaction(c -> insert(c, 1)));
      assertInstanceOf(SQLException.class, e.getCause());
      assertEquals(0, observed.open());
      assertTrue(physical.getAutoCommit(), "auto-commit restored");
      assertEquals("0", TestDb.queryString(physical, "SELECT COUNT(*) FROM " + table),
          "rolled back");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void settingsApplyInsideTheTransactionAndAreUndoneOnEveryPath(TestDb db) throws Exception {
    String url = db.url();
    try (Connection physical = db.connect(url)) {
      ObservedDataSource observed = new ObservedDataSource(physical);
      int isolationBefore = physical.getTransactionIsolation();
      String lockBefore = TestDb.queryString(physical, db.lockTimeoutSql());
      String statementBefore = TestDb.queryString(physical, db.statementTimeoutSql());
      Transactor tx = Transactor.builder(observed)
          .isolation(Isolation.SERIALIZABLE)
          .readOnly(true)
          .lockTimeout(Duration.ofSeconds(3))
          .statementTimeout(Duration.ofSeconds(7))
          .build();
      for (boolean fail : new boolean[] {false, true}) {
        try {
          tx.useTransaction(c -> {
            assertFalse(c.getAutoCommit());
            if (db != TestDb.H2) { // H2 ignores setReadOnly: only a read-only database is
              assertTrue(c.isReadOnly());
            }
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
            assertNotEquals(lockBefore, TestDb.queryString(c, db.lockTimeoutSql()));
            assertNotEquals(statementBefore, TestDb.queryString(c, db.statementTimeoutSql()));
            if (fail) {
              throw new IllegalStateException("fail");
            }
          });
        } catch (IllegalStateException expected) {
          assertTrue(fail);
        }
        assertTrue(physical.getAutoCommit(), "auto-commit");
        assertFalse(physical.isReadOnly(), "read-only");
        assertEquals(isolationBefore, physical.getTransactionIsolation(), "isolation");
        assertEquals(lockBefore, TestDb.queryString(physical, db.lockTimeoutSql()), "lock timeout");
        assertEquals(statementBefore, TestDb.queryString(physical, db.statementTimeoutSql()),
            "statement timeout");
        assertEquals(0, observed.open());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aStatementTimeoutCancelsALongStatement(TestDb db) throws Exception {
    setUp(db);
    Transactor tx = Transactor.builder(pool)
        .statementTimeout(Duration.ofMillis(300)).retryPolicy(RetryPolicy.none()).build();
    String slow;
    switch (db) {
      case POSTGRES:
        slow = "SELECT pg_sleep(20)";
        break;
      case MARIADB:
        slow = "SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b,"
            + " information_schema.columns c";
        break;
      default:
        slow = "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b "
            + "WHERE a.X + b.X = 7";
        break;
    }
    long start = System.nanoTime();
    SQLException e = assertThrows(SQLException.class,
        () -> tx.useTransaction(c -> TestDb.queryString(c, slow)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 15_000, "cancelled after " + millis + " ms: " + e);
    assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aScopeCommitsOnlyWhenToldAndAlwaysCloses(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    try (TxScope scope = tx.begin()) {
      insert(scope.connection(), 1);
      scope.commit();
      assertThrows(IllegalStateException.class, scope::commit);
    }
    try (TxScope scope = tx.begin()) {
      insert(scope.connection(), 2); // no commit: an early return
    }
    assertThrows(IllegalStateException.class, () -> {
      try (TxScope scope = tx.begin()) {
        insert(scope.connection(), 3);
        throw new IllegalStateException("fail");
      }
    });
    assertEquals(1, rows());
    assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aNestedCallIsRejectedByDefault(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    TransactionException e = assertThrows(TransactionException.class,
        () -> tx.useTransaction(c -> {
          insert(c, 1);
          tx.useTransaction(inner -> insert(inner, 2));
        }));
    assertTrue(e.getMessage().contains("Nesting.REJECT"), e.getMessage());
    assertEquals(0, rows());
    assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aJoinedFailureRollsTheOuterTransactionBackEvenIfCaught(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    Transactor joining = Transactor.builder(pool).nesting(Nesting.JOIN).build();
    TransactionException e = assertThrows(TransactionException.class,
        () -> tx.useTransaction(c -> {
          insert(c, 1);
          joining.useTransaction(inner -> insert(inner, 2));
          try {
            joining.useTransaction(inner -> {
              assertSame(c.unwrap(Connection.class), inner.unwrap(Connection.class));
              throw new IllegalStateException("inner failed");
            });
          } catch (IllegalStateException swallowed) {
            // the outer work carries on as if nothing happened
          }
        }));
    assertTrue(e.getMessage().contains("joined"), e.getMessage());
    assertEquals(0, rows());
    assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aSavepointRollsBackOnlyTheNestedWork(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    Transactor savepoints = Transactor.builder(pool).nesting(Nesting.SAVEPOINT).build();
    tx.useTransaction(c -> {
      insert(c, 1);
      savepoints.useTransaction(inner -> insert(inner, 2));
      assertThrows(IllegalStateException.class, () -> savepoints.useTransaction(inner -> {
        insert(inner, 3);
        throw new IllegalStateException("inner failed");
      }));
      try (TxScope scope = savepoints.begin()) {
        insert(scope.connection(), 4); // not committed: back to its savepoint
      }
    });
    assertEquals(2, rows());
    assertEquals(0, TestDb.queryLong(pool,
        "SELECT COUNT(*) FROM " + table + " WHERE id IN (3, 4)"));
    assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aTransactionHeldTooLongIsReportedWhileItIsStillOpen(TestDb db) throws Exception {
    setUp(db);
    List<TxEvent> events = new CopyOnWriteArrayList<>();
    Transactor tx = Transactor.builder(pool).longTransactionThreshold(Duration.ofMillis(200))
        .listener(events::add).build();
    tx.useTransaction(c -> insert(c, 1));
    assertEquals(List.of(TxEvent.Type.COMMITTED), types(events));
    events.clear();
    AtomicLong seenAfterMillis = new AtomicLong(-1);
    tx.useTransaction(c -> {
      insert(c, 2);
      long begin = System.nanoTime();
      // The warning must arrive while this transaction is open; wait for it, bounded.
      while (events.isEmpty() && System.nanoTime() - begin < TimeUnit.SECONDS.toNanos(20)) {
        Thread.sleep(10);
      }
      if (!events.isEmpty()) {
        seenAfterMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
      }
    });
    assertTrue(seenAfterMillis.get() >= 0, "no HELD_TOO_LONG while the transaction was open");
    assertEquals(List.of(TxEvent.Type.HELD_TOO_LONG, TxEvent.Type.COMMITTED), types(events),
        "one report per transaction");
    assertTrue(events.get(0).held().toMillis() >= 200, events.toString());
    assertTrue(events.get(1).held().compareTo(events.get(0).held()) >= 0, events.toString());
    events.clear();
    assertThrows(IllegalStateException.class, () -> tx.useTransaction(c -> {
      throw new IllegalStateException("fail");
    }));
    assertEquals(List.of(TxEvent.Type.ROLLED_BACK), types(events));
  }

  private static List<TxEvent.Type> types(List<TxEvent> events) {
    return events.stream().map(TxEvent::type).collect(Collectors.toList());
  }

  @Test
  void buildersFailFastNamingTheBadValue() {
    ObservedDataSource unused = new ObservedDataSource(null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Transactor.builder(unused).statementTimeout(Duration.ZERO));
    assertEquals("statementTimeout must be positive: PT0S", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Transactor.builder(unused).lockTimeout(Duration.ofMillis(-1)));
    assertEquals("lockTimeout must be positive: PT-0.001S", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RetryPolicy.builder().maxAttempts(0));
    assertEquals("maxAttempts must be at least 1: 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BatchOptions.size(0));
    assertEquals("batch size must be at least 1: 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DailyCounter.of("quota; DROP"));
    assertEquals("table must be a plain SQL identifier: quota; DROP", e.getMessage());
  }
}
