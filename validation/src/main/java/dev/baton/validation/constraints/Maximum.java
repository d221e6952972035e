package dev.baton.validation.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The number is at most this (inclusive): the schema generated from the record says {@code "maximum"}. Put it on a record component
 * of a number type ({@code int}, {@code Integer}, {@code double}, {@code BigDecimal} ...).
 *
 * <pre>{@code
 * record Answer(@Minimum(0) @Maximum(10) int score) {}
 * }</pre>
 *
 * <p>{@code JsonValidator.forRecord} fails with an {@code IllegalArgumentException} naming the
 * component if the value is out of range or the component's type does not fit. An annotation
 * is immutable, and so thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Maximum {
  /**
   * The largest value allowed; a finite number.
   *
   * @return the largest value allowed
   */
  double value();
}
