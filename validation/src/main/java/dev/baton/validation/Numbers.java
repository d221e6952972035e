package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * One representation per mathematical value, so that {@code enum}, {@code const} and
 * {@code uniqueItems} compare numbers as JSON Schema 2020-12 says (Core §4.2.2: equal numbers are
 * equal at any depth, {@code 1} and {@code 1.0} alike). The validator compares Jackson nodes
 * with {@code equals}, which tells an {@link IntNode} from a {@code DoubleNode} or {@code DecimalNode} and from a
 * {@link LongNode}; every integral number therefore becomes the smallest integer node that holds
 * it (int, then long, then big integer), in the instance and in the schema. Non-integral numbers
 * are doubles already (the parsers read floats as doubles), and equal doubles are equal nodes.
 * Thread-safe (stateless).
 */
final class Numbers {
  private Numbers() {
  }

  /** {@code number} itself, or the canonical integer node for its (integral) value. */
  static JsonNode canonical(JsonNode number) {
    if (number.isInt()) {
      return number;
    }
    if (number.isIntegralNumber()) {
      return integer(number.bigIntegerValue(), number);
    }
    if (number.isBigDecimal()) {
      BigDecimal value = number.decimalValue();
      if (value.signum() == 0) {
        return IntNode.valueOf(0);
      }
      BigDecimal stripped = value.stripTrailingZeros();
      return stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 400
          ? integer(stripped.toBigIntegerExact(), null) : number;
    }
    double d = number.doubleValue();
    if (!Double.isFinite(d) || d != Math.rint(d)) {
      return number;
    }
    if (d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
      return IntNode.valueOf((int) d);
    }
    if (d >= -0x1p63 && d < 0x1p63) {
      return LongNode.valueOf((long) d);
    }
    return BigIntegerNode.valueOf(new BigDecimal(d).toBigIntegerExact());
  }

  private static JsonNode integer(BigInteger value, JsonNode original) {
    if (value.bitLength() < 32) {
      return IntNode.valueOf(value.intValue());
    }
    if (value.bitLength() < 64) {
      return original != null && original.isLong() ? original : LongNode.valueOf(value.longValue());
    }
    return original != null && original.isBigInteger() ? original : BigIntegerNode.valueOf(value);
  }

  /** Makes every number in {@code root} canonical, in place; returns the (new) root. */
  static JsonNode canonicalTree(JsonNode root) {
    if (root.isNumber()) {
      return canonical(root);
    }
    Deque<JsonNode> containers = new ArrayDeque<>();
    containers.push(root);
    while (!containers.isEmpty()) {
      JsonNode node = containers.pop();
      if (node instanceof ObjectNode object) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> member = it.next();
          JsonNode value = member.getValue();
          if (value.isNumber()) {
            JsonNode canonical = canonical(value);
            if (canonical != value) {
              member.setValue(canonical);
            }
          } else if (value.isContainerNode()) {
            containers.push(value);
          }
        }
      } else if (node instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          JsonNode value = array.get(i);
          if (value.isNumber()) {
            JsonNode canonical = canonical(value);
            if (canonical != value) {
              array.set(i, canonical);
            }
          } else if (value.isContainerNode()) {
            containers.push(value);
          }
        }
      }
    }
    return root;
  }
}
