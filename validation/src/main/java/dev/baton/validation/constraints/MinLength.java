package dev.baton.validation.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * At least this many characters (Unicode code points, as JSON Schema counts): the schema generated from the record says {@code "minLength"}. Put it on a record component
 * of type {@code String}.
 *
 * <pre>{@code
 * record Answer(@MinLength(1) String summary) {}
 * }</pre>
 *
 * <p>{@code JsonValidator.forRecord} fails with an {@code IllegalArgumentException} naming the
 * component if the value is out of range or the component's type does not fit. An annotation
 * is immutable, and so thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface MinLength {
  /**
   * The shortest string allowed; 0 or more.
   *
   * @return the shortest length allowed
   */
  int value();
}
