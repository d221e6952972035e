package dev.baton.validation;

/**
 * The unchecked root exception of {@code baton-validation}.
 *
 * <p>Thrown for a schema that cannot be used (it does not parse, or a {@code $ref} names a
 * remote schema the caller did not register), for a builder given a bad value, and by
 * {@link ValidationResult#orElseThrow()} when the input did not validate. Input that is merely
 * bad (too big, too deep, not JSON, not valid UTF-8, invalid against the schema) does not throw
 * from {@link JsonValidator#validate(String)}: it is reported as {@link Problem}s in the result.
 *
 * <p>Immutable, and so thread-safe.
 */
public class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception without a cause.
   *
   * @param message what is wrong (the schema, the builder value, or the input's problems)
   */
  public ValidationException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause, e.g. the parser's failure on a schema.
   *
   * @param message what is wrong
   * @param cause the underlying failure
   */
  public ValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
