package dev.baton.validation;

import java.util.Objects;

/**
 * Something wrong with the input that the policy could not (or was not allowed to) repair.
 *
 * <p>Immutable, and so thread-safe.
 *
 * @param pointer the JSON Pointer (RFC 6901) of the offending value in the repaired document,
 *     {@code ""} for the whole document or for input that could not be read at all
 * @param keyword the JSON Schema keyword that failed ({@code "required"}, {@code "type"},
 *     {@code "maxItems"} …); {@value #INPUT} when the input could not be read as JSON (too big,
 *     too deep, not valid UTF-8, no JSON found, syntax, duplicate keys, a number out of range);
 *     {@value #BINDING} when valid JSON could not be bound to the target type
 * @param message what is wrong, for people
 */
public record Problem(String pointer, String keyword, String message) {
  /** The keyword of problems with reading the input. */
  public static final String INPUT = "input";
  /** The keyword of problems with binding valid JSON to the target type. */
  public static final String BINDING = "binding";

  /**
   * Checks that every field is present.
   *
   * @param pointer the JSON Pointer of the offending value, {@code ""} for the whole document
   * @param keyword the JSON Schema keyword that failed, or {@value #INPUT} or {@value #BINDING}
   * @param message what is wrong, for people
   * @throws NullPointerException if any of them is null
   */
  public Problem {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(keyword, "keyword");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return keyword + " at '" + pointer + "': " + message;
  }
}
