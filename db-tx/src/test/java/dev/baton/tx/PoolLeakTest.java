package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 1,000 transactions on 4 threads, every second one failing in a different way, through a
 * HikariCP pool of 4: the pool ends with no connection in use, and exactly the successful
 * transactions' rows are there.
 */
class PoolLeakTest {
  private static final int TRANSACTIONS = 1_000;
  private static final int THREADS = 4;

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void halfFailingLeaveNoConnectionInUseAndExactlyTheCommittedRows(TestDb db) throws Exception {
    try (PoolFixture fixture = new PoolFixture(db, 4, "leak")) {
      Transactor tx = Transactor.create(fixture.pool);
      tx.useTransaction(c -> fixture.insert(c, -1)); // for the SQL failure below
      AtomicInteger next = new AtomicInteger();
      List<Integer> failures = Concurrently.run(THREADS, thread -> {
        int failed = 0;
        for (int id = next.getAndIncrement(); id < TRANSACTIONS; id = next.getAndIncrement()) {
          int n = id;
          try {
            tx.useTransaction(c -> work(fixture, c, n));
          } catch (Throwable expected) {
            failed++;
          }
        }
        return failed;
      });
      assertEquals(TRANSACTIONS / 2, failures.stream().mapToInt(Integer::intValue).sum(),
          "failed transactions");
      fixture.assertNoConnectionHeld();
      List<Integer> expected = IntStream.range(-1, TRANSACTIONS).filter(id -> id % 2 == 0 || id < 0)
          .boxed().collect(Collectors.toList());
      assertEquals(expected, fixture.ids(), "exactly the committed rows");
    }
  }

  /** Even ids commit; odd ids insert their row and then fail, each in one of four ways. */
  private static void work(PoolFixture fixture, Connection c, int id)
      throws IOException, SQLException {
    fixture.insert(c, id);
    if (id % 2 == 0) {
      return;
    }
    switch (id % 8) {
      case 1:
        throw new IllegalStateException("runtime " + id);
      case 3:
        throw new IOException("checked " + id);
      case 5:
        throw new TransactorTest.InjectedError();
      default:
        fixture.insert(c, -1); // a duplicate key: the database fails the statement
    }
  }
}
