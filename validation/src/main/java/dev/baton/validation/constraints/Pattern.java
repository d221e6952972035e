package dev.baton.validation.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The string matches this regular expression somewhere (JSON Schema's {@code pattern} is not anchored: use {@code ^…$} for the whole string): the schema generated from the record says {@code "pattern"}. Put it on a record component
 * of type {@code String}.
 *
 * <pre>{@code
 * record Answer(@Pattern("^[A-Z]{3}$") String currency) {}
 * }</pre>
 *
 * <p>{@code JsonValidator.forRecord} fails with an {@code IllegalArgumentException} naming the
 * component if the value is out of range or the component's type does not fit. An annotation
 * is immutable, and so thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Pattern {
  /**
   * The regular expression (ECMA-262 as JSON Schema says; checked with java.util.regex when the schema is generated).
   *
   * @return the regular expression
   */
  String value();
}
