package dev.baton.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One transaction per batch; failures recorded, not undoing the rest; resumable. */
class BatchTest {
  private static final List<Integer> ITEMS =
      IntStream.range(0, 10).boxed().collect(Collectors.toList());

  private PoolFixture fixture;
  /** Every item the work was called with, in order (including rolled-back calls). */
  private final List<Integer> seen = new ArrayList<>();

  @AfterEach
  void closePool() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private Transactor setUp(TestDb db) throws SQLException {
    fixture = new PoolFixture(db, 4, "batch");
    return Transactor.create(fixture.pool);
  }

  /** Inserts each item (a second insert would fail on the key); fails on any item in {@code bad}. */
  private BatchWork<Integer, SQLException> work(Set<Integer> bad) {
    return (c, batch) -> {
      for (int item : batch) {
        seen.add(item);
        fixture.insert(c, item);
        if (bad.contains(item)) {
          throw new SQLException("bad item " + item, "22000");
        }
      }
    };
  }

  private List<Integer> committedItems() throws SQLException {
    return fixture.ids();
  }

  private static List<Integer> indexes(List<BatchReport.Batch> batches) {
    return batches.stream().map(BatchReport.Batch::index).collect(Collectors.toList());
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void aFailedBatchDoesNotUndoTheOthersAndResumeRunsExactlyIt(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    BatchReport report = tx.inBatches(ITEMS, 3, work(Set.of(4)));
    assertEquals(List.of(0, 2, 3), indexes(report.committed()));
    assertEquals(List.of(1), indexes(report.failed()));
    BatchReport.Batch failed = report.failed().get(0);
    assertEquals(3, failed.fromIndex());
    assertEquals(6, failed.toIndex());
    assertInstanceOf(SQLException.class, failed.failure());
    assertFalse(report.isComplete());
    assertEquals(7, report.committedItems());
    assertEquals(List.of(0, 1, 2, 6, 7, 8, 9), committedItems());

    seen.clear();
    BatchReport resumed = tx.inBatches(ITEMS, BatchOptions.size(3).resume(report), work(Set.of()));
    assertEquals(List.of(3, 4, 5), seen, "only the failed batch runs again");
    assertTrue(resumed.isComplete(), resumed.toString());
    assertEquals(ITEMS, committedItems());
    fixture.assertNoConnectionHeld();
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void stopAtFirstFailureLeavesTheRestForResume(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    BatchOptions options = BatchOptions.size(4).stopAtFirstFailure();
    BatchReport report = tx.inBatches(ITEMS, options, work(Set.of(5)));
    assertEquals(List.of(0), indexes(report.committed()));
    assertEquals(List.of(1), indexes(report.failed()));
    assertEquals(List.of(2), indexes(report.notRun()));
    assertEquals(List.of(0, 1, 2, 3, 4, 5), seen, "nothing after the failure ran");
    assertEquals(List.of(0, 1, 2, 3), committedItems());

    seen.clear();
    BatchReport resumed = tx.inBatches(ITEMS, options.resume(report), work(Set.of()));
    assertEquals(List.of(4, 5, 6, 7, 8, 9), seen, "no item twice, none skipped");
    assertTrue(resumed.isComplete());
    assertEquals(ITEMS, committedItems());
  }

  @ParameterizedTest
  @EnumSource(TestDb.class)
  void batchesRefuseToRunInsideATransaction(TestDb db) throws Exception {
    Transactor tx = setUp(db);
    assertThrows(TransactionException.class,
        () -> tx.useTransaction(c -> tx.inBatches(ITEMS, 3, work(Set.of()))));
    BatchReport done = tx.inBatches(ITEMS, 3, work(Set.of()));
    assertThrows(IllegalArgumentException.class, () -> tx.inBatches(ITEMS.subList(0, 5),
        BatchOptions.size(3).resume(done), work(Set.of())));
    assertThrows(IllegalArgumentException.class, () -> BatchOptions.size(4).resume(done));
  }
}
