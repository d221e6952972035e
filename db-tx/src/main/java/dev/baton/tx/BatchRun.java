package dev.baton.tx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The loop behind {@link Transactor#inBatches}. */
final class BatchRun {
  private BatchRun() {}

  static <I, X extends Exception> BatchReport run(Transactor transactor, List<I> items,
      BatchOptions options, BatchWork<I, X> work) {
    int size = options.batchSize();
    BatchReport previous = options.previous();
    if (previous != null && previous.itemCount() != items.size()) {
      throw new IllegalArgumentException("resume needs the input of the previous run: "
          + previous.itemCount() + " items, not " + items.size());
    }
    List<I> input = Collections.unmodifiableList(items);
    List<BatchReport.Batch> batches = new ArrayList<>();
    boolean stopped = false;
    for (int index = 0, from = 0; from < input.size(); index++, from += size) {
      int to = Math.min(input.size(), from + size);
      if (previous != null
          && previous.batches().get(index).status() == BatchReport.Status.COMMITTED) {
        batches.add(previous.batches().get(index));
        continue;
      }
      if (stopped) {
        batches.add(new BatchReport.Batch(index, from, to, BatchReport.Status.NOT_RUN, null));
        continue;
      }
      List<I> batch = input.subList(from, to);
      try {
        transactor.useTransaction(connection -> work.process(connection, batch));
        batches.add(new BatchReport.Batch(index, from, to, BatchReport.Status.COMMITTED, null));
      } catch (Exception e) {
        Transactor.LOG.warn("batch {} (items {} to {}) rolled back: {}", index, from, to - 1,
            e.toString());
        batches.add(new BatchReport.Batch(index, from, to, BatchReport.Status.FAILED, e));
        stopped = options.stopsAtFirstFailure();
      }
    }
    return new BatchReport(input.size(), size, batches);
  }
}
