package dev.baton.validation.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * At least this many items: the schema generated from the record says {@code "minItems"}. Put it on a record component
 * of a collection or array type.
 *
 * <pre>{@code
 * record Answer(@MinItems(1) List<Item> items) {}
 * }</pre>
 *
 * <p>{@code JsonValidator.forRecord} fails with an {@code IllegalArgumentException} naming the
 * component if the value is out of range or the component's type does not fit. An annotation
 * is immutable, and so thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface MinItems {
  /**
   * The fewest items allowed; 0 or more.
   *
   * @return the fewest items allowed
   */
  int value();
}
