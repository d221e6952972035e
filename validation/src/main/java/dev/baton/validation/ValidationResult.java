package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link JsonValidator#validate(String)} found: the bound value, the repaired JSON, every
 * change made and every problem left.
 *
 * <ul>
 *   <li>{@link #isValid()}: no problems — the repaired JSON validates against the schema and
 *       was bound to the target type.
 *   <li>{@link #value()}: the bound value, present only when valid (and the JSON is not
 *       {@code null}). A value is never bound from JSON that failed the schema, so a missing
 *       required primitive is a problem, never a silent {@code 0} or {@code false}.
 *   <li>{@link #json()}: the repaired JSON, present whenever the input could be read as JSON,
 *       valid or not.
 * </ul>
 *
 * <p>At most {@value #MAX_LISTED} changes and {@value #MAX_LISTED} problems are listed (the
 * first ones, in order); {@link #changeCount()} and {@link #problemCount()} say how many there
 * were in all, so that an answer of 200,000 broken items costs a count, not 600,000 objects.
 *
 * <p>Immutable (its lists are unmodifiable), and so thread-safe if {@code T} is.
 *
 * @param <T> the target type
 */
public final class ValidationResult<T> {
  /** The most changes, and the most problems, a result lists: the first ones. */
  public static final int MAX_LISTED = 100;

  private final T value;
  /** The repaired tree, serialized only if {@link #json()} is called; never changed again. */
  private final JsonNode doc;
  private volatile String json;
  private final List<Change> changes;
  private final int changeCount;
  private final List<Problem> problems;
  private final int problemCount;

  ValidationResult(T value, JsonNode doc, Capped<Change> changes, List<Problem> problems,
      int problemCount) {
    this.value = value;
    this.doc = doc;
    this.changes = List.copyOf(changes.kept());
    this.changeCount = changes.total();
    this.problems = List.copyOf(problems);
    this.problemCount = problemCount;
  }

  /** {@return true when nothing is left wrong: the (repaired) JSON validates and was bound} */
  public boolean isValid() {
    return problems.isEmpty();
  }

  /**
   * {@return the bound value; empty unless {@link #isValid()} (or when the JSON is
   * {@code null})}
   */
  public Optional<T> value() {
    return Optional.ofNullable(value);
  }

  /**
   * The bound value, or a {@link ValidationException} listing every problem.
   *
   * @return the bound value; never null
   *
   * @throws ValidationException if the result is not valid or the JSON is {@code null}
   */
  public T orElseThrow() {
    if (!isValid()) {
      throw new ValidationException("invalid: " + problems.stream()
          .map(Problem::toString).collect(Collectors.joining("; ")));
    }
    if (value == null) {
      throw new ValidationException("valid, but the JSON is null: there is no value");
    }
    return value;
  }

  /**
   * {@return the JSON after repair (compact); empty when the input could not be read as JSON at
   * all}
   */
  public Optional<String> json() {
    if (doc == null) {
      return Optional.empty();
    }
    String text = json;
    if (text == null) { // a race only serializes twice: the tree is no longer changed
      text = doc.toString();
      json = text;
    }
    return Optional.of(text);
  }

  /**
   * {@return the repairs made, in order: the first {@value #MAX_LISTED}; empty under
   * {@link RepairPolicy#strict()}}
   */
  public List<Change> changes() {
    return changes;
  }

  /** {@return how many repairs were made in all, listed or not} */
  public int changeCount() {
    return changeCount;
  }

  /**
   * {@return what is left wrong: the first {@value #MAX_LISTED} problems; empty if and only if
   * {@link #isValid()}}
   */
  public List<Problem> problems() {
    return problems;
  }

  /** {@return how many problems were found in all, listed or not} */
  public int problemCount() {
    return problemCount;
  }

  @Override
  public String toString() {
    return "ValidationResult[valid=" + isValid() + ", changes=" + changes
        + (changeCount > changes.size() ? " (" + changeCount + " in all)" : "")
        + ", problems=" + problems
        + (problemCount > problems.size() ? " (" + problemCount + " in all)" : "") + "]";
  }
}
