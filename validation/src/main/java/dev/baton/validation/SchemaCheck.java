package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One subschema compiled by {@link SchemaCompiler} into Baton's own checks: the keywords it
 * holds are read once, at build, into fields, so validating an instance is a walk of the
 * instance with no keyword lookup, no allocation while it is valid, and a pointer string built
 * only for a {@link Problem}. Problems carry the pointer, keyword and wording networknt gives
 * the same violation (the differential test holds the two to the same pointers and keywords).
 *
 * <p>Written only by the compiler before the validator is published (through final fields);
 * immutable after that, and so thread-safe.
 */
final class SchemaCheck {
  static final int NULL = 1;
  static final int BOOLEAN = 1 << 1;
  static final int OBJECT = 1 << 2;
  static final int ARRAY = 1 << 3;
  static final int NUMBER = 1 << 4;
  static final int STRING = 1 << 5;
  /** Integral numbers are both {@code INTEGER} and {@code NUMBER}. */
  static final int INTEGER = 1 << 6;

  /** The schema {@code false}: every instance fails. */
  boolean rejectsAll;
  /** The types allowed (bits above); 0 when there is no {@code type} keyword. */
  int types;
  /** The {@code type} keyword as networknt prints it in its message. */
  String typeText;
  SchemaCheck ref;
  boolean hasConst;
  JsonNode constValue;
  JsonNode enumValues;
  Map<String, SchemaCheck> properties;
  String[] required;
  /** {@code additionalProperties: false}. */
  boolean noAdditional;
  SchemaCheck additional;
  SchemaCheck items;
  /** {@code items: false}. */
  boolean noItems;
  int minItems = -1;
  int maxItems = -1;
  boolean uniqueItems;
  int minLength = -1;
  int maxLength = -1;
  JsonNode minimum;
  JsonNode maximum;
  JsonNode exclusiveMinimum;
  JsonNode exclusiveMaximum;

  /** Adds every violation of this schema by {@code value} (at {@code at}) to {@code out}. */
  void check(JsonNode value, PointerPath at, List<Problem> out) {
    if (rejectsAll) {
      out.add(problem(at, "false", "schema for '" + lastToken(at) + "' is false"));
      return;
    }
    if (ref != null) {
      ref.check(value, at, out);
    }
    if (types != 0 && (typeOf(value) & types) == 0) {
      out.add(problem(at, "type", typeName(value) + " found, " + typeText + " expected"));
    }
    if (hasConst && !constValue.equals(value)) {
      out.add(problem(at, "const", "must be the constant value '" + constValue + "'"));
    }
    if (enumValues != null && !inEnum(value)) {
      out.add(problem(at, "enum", "does not have a value in the enumeration " + enumValues));
    }
    if (value.isObject()) {
      checkObject(value, at, out);
    } else if (value.isArray()) {
      checkArray(value, at, out);
    } else if (value.isTextual()) {
      checkString(value.textValue(), at, out);
    } else if (value.isNumber()) {
      checkNumber(value, at, out);
    }
  }

  /**
   * Whether {@link SchemaRepairer}'s member repairs could change {@code value}: false only when
   * certainly not, so that the repair walk is skipped for an answer with no unknown key and no
   * optional null. It follows what the repairer follows ({@code properties},
   * {@code additionalProperties}, {@code items}, {@code $ref}; the compiled subset has none of
   * the rest), and its test of "refuses null" is the repairer's, without the hop limit.
   */
  boolean mayRepairMembers(JsonNode value, boolean unknownKeys, boolean nullOptionals) {
    if (ref != null && ref.mayRepairMembers(value, unknownKeys, nullOptionals)) {
      return true;
    }
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        JsonNode v = member.getValue();
        SchemaCheck sub = properties == null ? null : properties.get(member.getKey());
        if (sub == null) {
          if (unknownKeys && noAdditional
              || additional != null && additional.mayRepairMembers(v, unknownKeys, nullOptionals)) {
            return true;
          }
        } else if (nullOptionals && v.isNull() && !isRequired(member.getKey()) && sub.refusesNull()
            || v.isContainerNode() && sub.mayRepairMembers(v, unknownKeys, nullOptionals)) {
          return true;
        }
      }
    } else if (value.isArray() && items != null) {
      for (JsonNode item : value) {
        if (item.isContainerNode() && items.mayRepairMembers(item, unknownKeys, nullOptionals)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean isRequired(String name) {
    if (required != null) {
      for (String r : required) {
        if (r.equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@link SchemaRepairer}'s "a keyword certainly rejects null", on the compiled keywords. */
  private boolean refusesNull() {
    if (types != 0 && (types & NULL) == 0 || hasConst && !constValue.isNull()) {
      return true;
    }
    if (enumValues != null) {
      boolean nullListed = false;
      for (JsonNode v : enumValues) {
        nullListed |= v.isNull();
      }
      if (!nullListed) {
        return true;
      }
    }
    return ref != null && ref.refusesNull();
  }

  private boolean inEnum(JsonNode value) {
    for (JsonNode allowed : enumValues) {
      if (allowed.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private void checkObject(JsonNode object, PointerPath at, List<Problem> out) {
    if (required != null) {
      for (String name : required) {
        if (!object.has(name)) {
          out.add(problem(at, "required", "required property '" + name + "' not found"));
        }
      }
    }
    if (properties == null && additional == null && !noAdditional) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      SchemaCheck sub = properties == null ? null : properties.get(member.getKey());
      if (sub != null) {
        sub.check(member.getValue(), at.child(member.getKey()), out);
      } else if (noAdditional) {
        out.add(problem(at, "additionalProperties", "property '" + member.getKey()
            + "' is not defined in the schema and the schema does not allow additional properties"));
      } else if (additional != null) {
        additional.check(member.getValue(), at.child(member.getKey()), out);
      }
    }
  }

  private void checkArray(JsonNode array, PointerPath at, List<Problem> out) {
    int size = array.size();
    if (minItems >= 0 && size < minItems) {
      out.add(problem(at, "minItems", "must have at least " + minItems + " items but found " + size));
    }
    if (maxItems >= 0 && size > maxItems) {
      out.add(problem(at, "maxItems", "must have at most " + maxItems + " items but found " + size));
    }
    if (uniqueItems && size > 1 && !unique(array)) {
      out.add(problem(at, "uniqueItems", "must have only unique items in the array"));
    }
    if (noItems && size > 0) {
      out.add(problem(at, "items", "index '0' is not defined in the schema and the schema does not"
          + " allow additional items"));
    }
    if (items != null) {
      for (int i = 0; i < size; i++) {
        items.check(array.get(i), at.child(i), out);
      }
    }
  }

  /** Equal nodes are equal values: numbers were made canonical ({@link Numbers}). */
  private static boolean unique(JsonNode array) {
    Set<JsonNode> seen = new HashSet<>();
    for (JsonNode item : array) {
      if (!seen.add(item)) {
        return false;
      }
    }
    return true;
  }

  private void checkString(String s, PointerPath at, List<Problem> out) {
    if (minLength < 0 && maxLength < 0) {
      return;
    }
    // Length is counted in code points, as the spec says (a surrogate pair is one character).
    int length = s.length() > maxLength && maxLength >= 0 || s.length() < 2L * minLength
        ? s.codePointCount(0, s.length()) : s.length();
    if (minLength >= 0 && length < minLength) {
      out.add(problem(at, "minLength", "must be at least " + minLength + " characters long"));
    }
    if (maxLength >= 0 && length > maxLength) {
      out.add(problem(at, "maxLength", "must be at most " + maxLength + " characters long"));
    }
  }

  private void checkNumber(JsonNode n, PointerPath at, List<Problem> out) {
    if (minimum != null && compare(n, minimum) < 0) {
      out.add(problem(at, "minimum", "must have a minimum value of " + minimum));
    }
    if (maximum != null && compare(n, maximum) > 0) {
      out.add(problem(at, "maximum", "must have a maximum value of " + maximum));
    }
    if (exclusiveMinimum != null && compare(n, exclusiveMinimum) <= 0) {
      out.add(problem(at, "exclusiveMinimum",
          "must have an exclusive minimum value of " + exclusiveMinimum));
    }
    if (exclusiveMaximum != null && compare(n, exclusiveMaximum) >= 0) {
      out.add(problem(at, "exclusiveMaximum",
          "must have an exclusive maximum value of " + exclusiveMaximum));
    }
  }

  /** Compares two numbers mathematically: exactly for integers, else as decimals. */
  static int compare(JsonNode a, JsonNode b) {
    if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
      return Long.compare(a.longValue(), b.longValue());
    }
    return a.decimalValue().compareTo(b.decimalValue());
  }

  static int typeOf(JsonNode value) {
    switch (value.getNodeType()) {
      case NULL:
        return NULL;
      case BOOLEAN:
        return BOOLEAN;
      case OBJECT:
        return OBJECT;
      case ARRAY:
        return ARRAY;
      case STRING:
        return STRING;
      case NUMBER:
        return isIntegral(value) ? INTEGER | NUMBER : NUMBER;
      default:
        return 0;
    }
  }

  /** 2020-12: a number with a zero fractional part is an integer ({@code 1.0}). */
  private static boolean isIntegral(JsonNode n) {
    if (n.isIntegralNumber()) {
      return true;
    }
    if (n.isBigDecimal()) {
      return n.decimalValue().signum() == 0 || n.decimalValue().stripTrailingZeros().scale() <= 0;
    }
    double d = n.doubleValue();
    return Double.isFinite(d) && d == Math.rint(d);
  }

  private static String typeName(JsonNode value) {
    int type = typeOf(value);
    if ((type & INTEGER) != 0) {
      return "integer";
    }
    return switch (type) {
      case NULL -> "null";
      case BOOLEAN -> "boolean";
      case OBJECT -> "object";
      case ARRAY -> "array";
      case NUMBER -> "number";
      case STRING -> "string";
      default -> "unknown";
    };
  }

  private static String lastToken(PointerPath at) {
    String pointer = at.toString();
    return pointer.substring(pointer.lastIndexOf('/') + 1);
  }

  private static Problem problem(PointerPath at, String keyword, String what) {
    String pointer = at.toString();
    return new Problem(pointer, keyword, pointer + ": " + what);
  }
}
