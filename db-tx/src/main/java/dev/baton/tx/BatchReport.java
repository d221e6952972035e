package dev.baton.tx;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link Transactor#inBatches} did with each batch of its input. Immutable and
 * thread-safe.
 */
public final class BatchReport {

  /** What happened to one batch. Immutable and thread-safe, as every enum. */
  public enum Status {
    /** Its transaction committed. */
    COMMITTED,
    /** Its transaction was rolled back; {@link Batch#failure()} says why. */
    FAILED,
    /** It was not run (the run stopped at an earlier failure). */
    NOT_RUN
  }

  /**
   * One batch: the items {@code fromIndex} (inclusive) to {@code toIndex} (exclusive) of the
   * input. Immutable and thread-safe (the failure is shared as it is).
   *
   * @param index the batch's position in the run, from 0
   * @param fromIndex the index in the input of its first item (inclusive)
   * @param toIndex the index in the input after its last item (exclusive)
   * @param status what happened to it
   * @param failure the exception that rolled a {@link Status#FAILED} batch back, else null
   */
  public record Batch(int index, int fromIndex, int toIndex, Status status, Throwable failure) {
    /**
     * Checks the status is present.
     *
     * @param index the batch's position in the run, from 0
     * @param fromIndex the index in the input of its first item (inclusive)
     * @param toIndex the index in the input after its last item (exclusive)
     * @param status what happened to it
     * @param failure the exception that rolled a {@link Status#FAILED} batch back, else null
     * @throws NullPointerException if {@code status} is null
     */
    public Batch {
      Objects.requireNonNull(status, "status");
    }

    /** {@return how many items it holds} */
    public int size() {
      return toIndex - fromIndex;
    }
  }

  private final int itemCount;
  private final int batchSize;
  private final List<Batch> batches;

  BatchReport(int itemCount, int batchSize, List<Batch> batches) {
    this.itemCount = itemCount;
    this.batchSize = batchSize;
    this.batches = List.copyOf(batches);
  }

  /** {@return how many items the input held} */
  public int itemCount() {
    return itemCount;
  }

  /** {@return the number of items per batch (the last batch may hold fewer)} */
  public int batchSize() {
    return batchSize;
  }

  /** {@return every batch, in input order; unmodifiable} */
  public List<Batch> batches() {
    return batches;
  }

  /** {@return the batches whose transaction committed, in input order} */
  public List<Batch> committed() {
    return with(Status.COMMITTED);
  }

  /** {@return the batches that were rolled back, in input order} */
  public List<Batch> failed() {
    return with(Status.FAILED);
  }

  /** {@return the batches not run because the run stopped at an earlier failure} */
  public List<Batch> notRun() {
    return with(Status.NOT_RUN);
  }

  /** {@return how many items are in committed batches} */
  public int committedItems() {
    return committed().stream().mapToInt(Batch::size).sum();
  }

  /** {@return whether every batch committed} */
  public boolean isComplete() {
    return batches.stream().allMatch(b -> b.status() == Status.COMMITTED);
  }

  private List<Batch> with(Status status) {
    return batches.stream().filter(b -> b.status() == status).collect(Collectors.toList());
  }

  @Override
  public String toString() {
    return "BatchReport[" + itemCount + " items in " + batches.size() + " batches of "
        + batchSize + ": " + committed().size() + " committed, " + failed().size()
        + " failed, " + notRun().size() + " not run]";
  }
}
