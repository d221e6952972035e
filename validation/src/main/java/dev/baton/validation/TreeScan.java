package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;

/**
 * One pass over every value of a parsed tree, in document order: finds what the parser let
 * through but Baton does not accept (a number too big for a double, which would print as
 * {@code Infinity}; a string over {@code maxStringLength}, which the parser checks only
 * approximately), makes numbers canonical ({@link Numbers}) and, if the policy allows, sanitizes
 * string values in place. Recursion is one level per level of the tree, which the parser bounded
 * by {@code maxDepth} (at most 1,000); a value's pointer is built only for a problem or a change.
 * Not thread-safe: one per scan.
 */
final class TreeScan {
  private final int maxStringLength;
  private final boolean sanitize;
  private final Capped<Change> changes;
  private final Capped<Problem> problems = new Capped<>();

  private TreeScan(Limits limits, boolean sanitize, Capped<Change> changes) {
    this.maxStringLength = limits.maxStringLength();
    this.sanitize = sanitize;
    this.changes = changes;
  }

  /**
   * Scans {@code root[0]}, replacing it there if it is itself a string that was sanitized or a
   * number made canonical.
   *
   * @return the problems found, in document order (the first 100, and their count)
   */
  static Capped<Problem> scan(JsonNode[] root, Limits limits, boolean sanitize,
      Capped<Change> changes) {
    TreeScan scan = new TreeScan(limits, sanitize, changes);
    JsonNode replaced = scan.value(root[0], PointerPath.ROOT);
    if (replaced != null) {
      root[0] = replaced;
    }
    return scan.problems;
  }

  /** Scans {@code node} at {@code path}; returns what replaces it, or null to keep it. */
  private JsonNode value(JsonNode node, PointerPath path) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        JsonNode child = member.getValue();
        if (child.isContainerNode() || child.isTextual() || child.isNumber()) {
          JsonNode replaced = value(child, path.child(member.getKey()));
          if (replaced != null) {
            member.setValue(replaced);
          }
        }
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        JsonNode item = array.get(i);
        if (item.isContainerNode() || item.isTextual() || item.isNumber()) {
          JsonNode replaced = value(item, path.child(i));
          if (replaced != null) {
            array.set(i, replaced);
          }
        }
      }
    } else if (node.isTextual()) {
      return text(node.textValue(), path);
    } else if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
      problems.record(() -> new Problem(path.toString(), Problem.INPUT,
          "a number is too large for a double: it is out of range"));
    } else if (node.isNumber()) {
      JsonNode canonical = Numbers.canonical(node);
      return canonical != node ? canonical : null;
    }
    return null;
  }

  private JsonNode text(String text, PointerPath path) {
    if (text.length() > maxStringLength) {
      problems.record(() -> new Problem(path.toString(), Problem.INPUT, "a string of "
          + text.length() + " characters is longer than maxStringLength " + maxStringLength));
    } else if (sanitize) {
      String clean = StringSanitizer.sanitize(text);
      if (clean != text) {
        changes.record(() -> new Change(path.toString(), Repair.SANITIZE_STRING,
            Describe.string(text), Describe.string(clean)));
        return TextNode.valueOf(clean);
      }
    }
    return null;
  }
}
