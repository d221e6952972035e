package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A rollback that fails on a connection that is still open (the transaction still pending):
 * the failed work must never be committed, and the connection and the thread's transaction
 * state must be released whatever the rollback throws. Real databases behind a real pool; the
 * wrapper only makes {@code rollback()} fail.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailedRollbackTest {

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aFailedRollbackNeverCommitsTheFailedWork(TestDb db) throws Exception {
    try (PoolFixture fixture = new PoolFixture(db, 2, "rbf")) {
      RollbackFailingDataSource failing = new RollbackFailingDataSource(fixture.pool);
      Transactor tx = Transactor.create(failing);
      SQLException rollbackFailure = new SQLException("injected: rollback timed out", "HY000");
      failing.failNextRollback(() -> rollbackFailure);
      IllegalStateException workFailure = new IllegalStateException("work failed");

      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> tx.useTransaction(c -> {
            fixture.insert(c, 1);
            throw workFailure;
          }));

      assertSame(workFailure, thrown);
      assertTrue(Arrays.asList(thrown.getSuppressed()).contains(rollbackFailure),
          "the rollback failure is attached: " + Arrays.toString(thrown.getSuppressed()));
      assertEquals(List.of(), fixture.ids(), "the failed work's row was committed");
      assertEquals(1, failing.aborted.get(), "the connection was aborted");
      assertEquals(1, failing.closed.get(), "the connection was closed");
      fixture.assertNoConnectionHeld();
      // The pool goes on working: the aborted connection is not handed out again as healthy.
      tx.useTransaction(c -> fixture.insert(c, 2));
      assertEquals(List.of(2), fixture.ids());
      fixture.assertNoConnectionHeld();
    }
  }

  static final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    InjectedError(String message) {
      super(message);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void anErrorFromRollbackStillReleasesTheConnectionAndTheThread(TestDb db) throws Exception {
    try (PoolFixture fixture = new PoolFixture(db, 2, "rbe")) {
      RollbackFailingDataSource failing = new RollbackFailingDataSource(fixture.pool);
      Transactor tx = Transactor.create(failing);
      InjectedError error = new InjectedError("injected: rollback threw an Error");
      failing.failNextRollback(() -> error);
      IllegalStateException workFailure = new IllegalStateException("work failed");

      InjectedError thrown = assertThrows(InjectedError.class, () -> tx.useTransaction(c -> {
        fixture.insert(c, 1);
        throw workFailure;
      }));

      assertSame(error, thrown);
      assertEquals(1, failing.closed.get(), "the connection was closed");
      fixture.assertNoConnectionHeld();
      assertEquals(List.of(), fixture.ids(), "the failed work's row was committed");
      // The thread is no longer inside a transaction: the next one (REJECT nesting) runs.
      tx.useTransaction(c -> fixture.insert(c, 2));
      assertEquals(List.of(2), fixture.ids());
      assertEquals(2, failing.closed.get());
      fixture.assertNoConnectionHeld();
      assertTrue(Arrays.asList(thrown.getSuppressed()).contains(workFailure),
          "the work's failure is attached to the Error");
    }
  }
}
