package dev.baton.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The first {@link ValidationResult#MAX_LISTED} problems or changes, and how many there were in
 * all: a 600 KB answer of 200,000 broken items keeps 100 entries and a count, not 600,000
 * entries. An entry past the cap is counted without being built ({@link #record}), so its
 * pointer string is never made. Not thread-safe: one per validation.
 *
 * @param <E> {@link Problem} or {@link Change}
 */
final class Capped<E> {
  private final List<E> kept = new ArrayList<>();
  private int total;

  /** Counts one entry; builds and keeps it only while under the cap. */
  void record(Supplier<? extends E> entry) {
    total++;
    if (kept.size() < ValidationResult.MAX_LISTED) {
      kept.add(entry.get());
    }
  }

  /** Counts and keeps (under the cap) every entry of {@code entries}. */
  void recordAll(List<? extends E> entries) {
    for (E e : entries) {
      record(() -> e);
    }
  }

  /** {@return how many entries were recorded, kept or not} */
  int total() {
    return total;
  }

  /** {@return the kept entries, at most {@link ValidationResult#MAX_LISTED}} */
  List<E> kept() {
    return kept;
  }
}
