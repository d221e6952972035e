package dev.baton.validation.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * At most this many items: the schema generated from the record says {@code "maxItems"}. Put it on a record component
 * of a collection or array type.
 *
 * <pre>{@code
 * record Answer(@MaxItems(5) List<Item> items) {}
 * }</pre>
 *
 * <p>{@code JsonValidator.forRecord} fails with an {@code IllegalArgumentException} naming the
 * component if the value is out of range or the component's type does not fit. An annotation
 * is immutable, and so thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface MaxItems {
  /**
   * The most items allowed; 0 or more.
   *
   * @return the most items allowed
   */
  int value();
}
