package dev.baton.validation;

import java.util.Objects;

/**
 * One repair made to the input, at a JSON Pointer (RFC 6901).
 *
 * <p>Changes are listed in the order they were made, and each pointer refers to the document as
 * it was at that moment, as in a JSON Patch: applying them in order to the extracted input gives
 * the repaired JSON. (Items dropped from one array are listed from the highest index down, so
 * the indices of the earlier ones still hold.)
 *
 * <p>{@code before} and {@code after} are short, human-readable descriptions for logs — a string
 * value as a JSON literal with escapes, shortened past 80 characters; {@code "8 items"}; or
 * {@code "(removed)"} — not data to parse.
 *
 * <p>Immutable, and so thread-safe.
 *
 * @param pointer where the change was made, {@code ""} for the whole document
 * @param kind what kind of repair it was
 * @param before the value before the change, described
 * @param after the value after the change, described
 */
public record Change(String pointer, Repair kind, String before, String after) {
  /**
   * Checks that every field is present.
   *
   * @param pointer where the change was made, {@code ""} for the whole document
   * @param kind what kind of repair it was
   * @param before the value before the change, described
   * @param after the value after the change, described
   * @throws NullPointerException if any of them is null
   */
  public Change {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
  }

  @Override
  public String toString() {
    return kind + " at '" + pointer + "': " + before + " -> " + after;
  }
}
