package dev.baton.tx;

import java.util.Objects;

/**
 * How {@link Transactor#inBatches(java.util.List, BatchOptions, BatchWork)} cuts and runs its
 * input:
 *
 * <pre>{@code
 * BatchReport report = tx.inBatches(rows, BatchOptions.size(50).stopAtFirstFailure(), work);
 * if (!report.isComplete()) {
 *   report = tx.inBatches(rows, BatchOptions.size(50).resume(report), work);  // only what did not commit
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class BatchOptions {
  private final int size;
  private final boolean stopAtFirstFailure;
  private final BatchReport previous;

  private BatchOptions(int size, boolean stopAtFirstFailure, BatchReport previous) {
    this.size = size;
    this.stopAtFirstFailure = stopAtFirstFailure;
    this.previous = previous;
  }

  /**
   * Batches of {@code size} items (the last may be smaller), going on past failures.
   *
   * @param size items per batch, at least 1
   * @return options that run every batch, whatever the earlier ones did
   * @throws IllegalArgumentException if {@code size} is less than 1
   */
  public static BatchOptions size(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be at least 1: " + size);
    }
    return new BatchOptions(size, false, null);
  }

  /**
   * After the first failed batch, run no more: the rest are reported as not run.
   *
   * @return a copy of these options that stops at the first failure
   */
  public BatchOptions stopAtFirstFailure() {
    return new BatchOptions(size, true, previous);
  }

  /**
   * Runs only the batches {@code previous} did not report committed; those it did are carried
   * into the new report as committed. The input must be the same list as before (same size),
   * cut into the same batch size.
   *
   * @param previous the report of the earlier run over the same input
   * @return a copy of these options that skips the batches {@code previous} committed
   * @throws IllegalArgumentException if {@code previous} used another batch size
   */
  public BatchOptions resume(BatchReport previous) {
    Objects.requireNonNull(previous, "previous");
    if (previous.batchSize() != size) {
      throw new IllegalArgumentException("resume needs the batch size of the previous run: "
          + previous.batchSize() + ", not " + size);
    }
    return new BatchOptions(size, stopAtFirstFailure, previous);
  }

  /**
   * {@return the number of items per batch (the last batch may hold fewer)}
   */
  public int batchSize() {
    return size;
  }

  /**
   * {@return whether the run stops after the first failed batch (default false)}
   */
  public boolean stopsAtFirstFailure() {
    return stopAtFirstFailure;
  }

  BatchReport previous() {
    return previous;
  }
}
