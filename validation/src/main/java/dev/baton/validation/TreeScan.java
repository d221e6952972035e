package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * One pass over every value of a parsed tree, with an explicit stack (no recursion): finds
 * what the parser let through but Baton does not accept (a number too big for a double, which
 * would print as {@code Infinity}; a string over {@code maxStringLength}, which the parser checks
 * only approximately) and, if the policy allows, sanitizes string values in place.
 * Thread-safe (stateless).
 */
final class TreeScan {
  private TreeScan() {
  }

  /**
   * Scans {@code root[0]}, replacing it there if it is itself a string that was sanitized or a
   * number made canonical ({@link Numbers}).
   *
   * @return the problems found, in document order (the first 100, and their count)
   */
  static Capped<Problem> scan(JsonNode[] root, Limits limits, boolean sanitize,
      Capped<Change> changes) {
    Capped<Problem> problems = new Capped<>();
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root[0], PointerPath.ROOT, root, null});
    while (!stack.isEmpty()) {
      Object[] frame = stack.pop();
      JsonNode node = (JsonNode) frame[0];
      PointerPath path = (PointerPath) frame[1];
      if (node.isObject()) {
        ObjectNode object = (ObjectNode) node;
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        object.fields().forEachRemaining(entries::add);
        for (int i = entries.size() - 1; i >= 0; i--) { // reversed: changes come out in document order
          Map.Entry<String, JsonNode> e = entries.get(i);
          stack.push(new Object[] {e.getValue(), path.child(e.getKey()), object, e.getKey()});
        }
      } else if (node.isArray()) {
        ArrayNode array = (ArrayNode) node;
        for (int i = array.size() - 1; i >= 0; i--) {
          JsonNode item = array.get(i);
          // Frames are pushed for every item at once: each holds a parent link, not a pointer.
          stack.push(new Object[] {item, path.child(i), array, i});
        }
      } else if (node.isTextual()) {
        String text = node.textValue();
        if (text.length() > limits.maxStringLength()) {
          problems.record(() -> new Problem(path.toString(), Problem.INPUT, "a string of "
              + text.length() + " characters is longer than maxStringLength "
              + limits.maxStringLength()));
        } else if (sanitize) {
          String clean = StringSanitizer.sanitize(text);
          if (clean != text) {
            replace(frame, TextNode.valueOf(clean));
            changes.record(() -> new Change(path.toString(), Repair.SANITIZE_STRING,
                Describe.string(text), Describe.string(clean)));
          }
        }
      } else if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
        problems.record(() -> new Problem(path.toString(), Problem.INPUT,
            "a number is too large for a double: it is out of range"));
      } else if (node.isNumber()) {
        JsonNode canonical = Numbers.canonical(node);
        if (canonical != node) {
          replace(frame, canonical);
        }
      }
    }
    return problems;
  }

  private static void replace(Object[] frame, JsonNode value) {
    if (frame[2] instanceof JsonNode[] holder) {
      holder[0] = value;
    } else if (frame[2] instanceof ObjectNode parent) {
      parent.set((String) frame[3], value);
    } else {
      ((ArrayNode) frame[2]).set((Integer) frame[3], value);
    }
  }

}
