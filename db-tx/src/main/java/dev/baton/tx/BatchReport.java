package dev.baton.tx;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link Transactor#inBatches} did with each batch of its input. Immutable and
 * thread-safe.
 */
public final class BatchReport {

  /** What happened to one batch. */
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
   * input.
   *
   * @param failure the exception that rolled a {@link Status#FAILED} batch back, else null
   */
  public record Batch(int index, int fromIndex, int toIndex, Status status, Throwable failure) {
    public Batch {
      Objects.requireNonNull(status, "status");
    }

    /** How many items it holds. */
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

  public int itemCount() {
    return itemCount;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Every batch, in input order. */
  public List<Batch> batches() {
    return batches;
  }

  public List<Batch> committed() {
    return with(Status.COMMITTED);
  }

  public List<Batch> failed() {
    return with(Status.FAILED);
  }

  public List<Batch> notRun() {
    return with(Status.NOT_RUN);
  }

  /** How many items are in committed batches. */
  public int committedItems() {
    return committed().stream().mapToInt(Batch::size).sum();
  }

  /** Whether every batch committed. */
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
