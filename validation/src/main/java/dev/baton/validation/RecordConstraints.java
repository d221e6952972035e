package dev.baton.validation;

import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigPart;
import dev.baton.validation.constraints.MaxItems;
import dev.baton.validation.constraints.MaxLength;
import dev.baton.validation.constraints.Maximum;
import dev.baton.validation.constraints.MinItems;
import dev.baton.validation.constraints.MinLength;
import dev.baton.validation.constraints.Minimum;
import dev.baton.validation.constraints.Pattern;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Baton's constraint annotations ({@link dev.baton.validation.constraints}) on record
 * components: checked before a schema is generated (each value in range, each on a component of
 * a type it fits), then written into the schema by victools' resolvers. Thread-safe
 * (stateless).
 */
final class RecordConstraints {
  private RecordConstraints() {
  }

  /** Registers the resolvers that write the constraints into the generated schema. */
  static void register(SchemaGeneratorConfigBuilder config) {
    SchemaGeneratorConfigPart<FieldScope> fields = config.forFields();
    fields.withArrayMaxItemsResolver(f -> get(f, MaxItems.class) == null ? null
        : get(f, MaxItems.class).value());
    fields.withArrayMinItemsResolver(f -> get(f, MinItems.class) == null ? null
        : get(f, MinItems.class).value());
    fields.withStringMaxLengthResolver(f -> get(f, MaxLength.class) == null ? null
        : get(f, MaxLength.class).value());
    fields.withStringMinLengthResolver(f -> get(f, MinLength.class) == null ? null
        : get(f, MinLength.class).value());
    fields.withStringPatternResolver(f -> get(f, Pattern.class) == null ? null
        : get(f, Pattern.class).value());
    fields.withNumberInclusiveMinimumResolver(f -> get(f, Minimum.class) == null ? null
        : decimal(get(f, Minimum.class).value()));
    fields.withNumberInclusiveMaximumResolver(f -> get(f, Maximum.class) == null ? null
        : decimal(get(f, Maximum.class).value()));
  }

  private static <A extends Annotation> A get(FieldScope field, Class<A> type) {
    // Only the record's own component (its field), not the item type of a List<...>.
    return field.isFakeContainerItemScope() ? null : field.getAnnotation(type);
  }

  private static BigDecimal decimal(double value) {
    return value == Math.rint(value) && Math.abs(value) < 0x1p53
        ? BigDecimal.valueOf((long) value) : BigDecimal.valueOf(value);
  }

  /**
   * Checks every annotated component of {@code record} and of the records it contains.
   *
   * @throws IllegalArgumentException naming the component and the bad value or the misfit
   */
  static void check(Class<?> record) {
    check(record, new HashSet<>());
  }

  private static void check(Class<?> record, Set<Class<?>> seen) {
    if (!record.isRecord() || !seen.add(record)) {
      return;
    }
    for (RecordComponent component : record.getRecordComponents()) {
      Field field;
      try {
        field = record.getDeclaredField(component.getName());
      } catch (NoSuchFieldException e) {
        continue;
      }
      String name = record.getSimpleName() + "." + component.getName();
      Class<?> type = component.getType();
      boolean items = type.isArray() || Collection.class.isAssignableFrom(type);
      boolean string = type == String.class;
      boolean number = Number.class.isAssignableFrom(type) || (type.isPrimitive()
          && type != boolean.class && type != char.class);
      MaxItems maxItems = field.getAnnotation(MaxItems.class);
      if (maxItems != null) {
        fits(name, "@MaxItems", items, "a collection or array");
        nonNegative(name, "@MaxItems", maxItems.value());
      }
      MinItems minItems = field.getAnnotation(MinItems.class);
      if (minItems != null) {
        fits(name, "@MinItems", items, "a collection or array");
        nonNegative(name, "@MinItems", minItems.value());
      }
      if (minItems != null && maxItems != null && minItems.value() > maxItems.value()) {
        throw new IllegalArgumentException(name + ": @MinItems(" + minItems.value()
            + ") is more than @MaxItems(" + maxItems.value() + ")");
      }
      MaxLength maxLength = field.getAnnotation(MaxLength.class);
      if (maxLength != null) {
        fits(name, "@MaxLength", string, "a String");
        nonNegative(name, "@MaxLength", maxLength.value());
      }
      MinLength minLength = field.getAnnotation(MinLength.class);
      if (minLength != null) {
        fits(name, "@MinLength", string, "a String");
        nonNegative(name, "@MinLength", minLength.value());
      }
      Pattern pattern = field.getAnnotation(Pattern.class);
      if (pattern != null) {
        fits(name, "@Pattern", string, "a String");
        try {
          java.util.regex.Pattern.compile(pattern.value());
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(name + ": @Pattern is not a regular expression: "
              + pattern.value(), e);
        }
      }
      Minimum minimum = field.getAnnotation(Minimum.class);
      if (minimum != null) {
        fits(name, "@Minimum", number, "a number");
        finite(name, "@Minimum", minimum.value());
      }
      Maximum maximum = field.getAnnotation(Maximum.class);
      if (maximum != null) {
        fits(name, "@Maximum", number, "a number");
        finite(name, "@Maximum", maximum.value());
      }
      if (minimum != null && maximum != null && minimum.value() > maximum.value()) {
        throw new IllegalArgumentException(name + ": @Minimum(" + minimum.value()
            + ") is more than @Maximum(" + maximum.value() + ")");
      }
      checkNested(component.getGenericType(), seen);
    }
  }

  private static void checkNested(Type type, Set<Class<?>> seen) {
    if (type instanceof Class<?> c) {
      check(c.isArray() ? c.getComponentType() : c, seen);
    } else if (type instanceof ParameterizedType p) {
      for (Type argument : p.getActualTypeArguments()) {
        checkNested(argument, seen);
      }
    }
  }

  private static void fits(String component, String annotation, boolean fits, String what) {
    if (!fits) {
      throw new IllegalArgumentException(component + ": " + annotation + " needs " + what
          + " component");
    }
  }

  private static void nonNegative(String component, String annotation, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(component + ": " + annotation
          + " must be 0 or more: " + value);
    }
  }

  private static void finite(String component, String annotation, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(component + ": " + annotation + " must be finite: "
          + value);
    }
  }
}
