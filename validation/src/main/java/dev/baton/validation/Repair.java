package dev.baton.validation;

/**
 * One kind of repair a {@link RepairPolicy} may allow; also the kind of each {@link Change}
 * reported in a {@link ValidationResult}.
 *
 * <p>Repairs only ever remove or shorten: Baton never invents a value the model did not write.
 * An enum constant, and so thread-safe.
 */
public enum Repair {
  /**
   * Remove an object member whose key the schema does not allow ({@code additionalProperties:
   * false} and no matching {@code properties} or {@code patternProperties}).
   */
  DROP_UNKNOWN_KEY,
  /**
   * Remove an object member whose value is {@code null} where the schema refuses null (its
   * {@code type}, {@code const}, {@code enum} or local {@code $ref} rules null out) and the
   * member is not {@code required}: a model writing {@code "rating": null} for "no rating".
   */
  DROP_NULL_OPTIONAL,
  /**
   * Trim leading and trailing whitespace from every string value, and remove control characters
   * (U+0000–U+001F and U+007F–U+009F, except tab, line feed and carriage return), Unicode bidi
   * controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), U+FEFF and unpaired
   * surrogates. Object keys are not changed.
   */
  SANITIZE_STRING,
  /**
   * Remove an array item that does not validate against the schema (a movie without its
   * required {@code tmdb_id}); the array as a whole may then still fail {@code minItems}.
   */
  DROP_INVALID_ITEM,
  /** Keep only the first {@code maxItems} items of an array that has more. */
  CAP_ARRAY
}
