package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link Repair#DROP_INVALID_ITEM}: the validator says where the document is wrong; for each
 * violation, the innermost array item that contains it (or is it) is dropped, and the document
 * is validated again, because dropping an item can make its parent invalid in turn
 * ({@code minItems}) — then the parent's item goes, at the next level up. A violation outside
 * every array item cannot be repaired this way and stays a problem. At most
 * {@value #MAX_ROUNDS} rounds. Thread-safe (stateless).
 */
final class InvalidItemDropper {
  static final int MAX_ROUNDS = 16;

  private InvalidItemDropper() {
  }

  /**
   * Drops items until the violations left are outside any item.
   *
   * @param problems the violations of {@code root} as it is now
   * @param ignoreMaxItems whether {@code maxItems} violations are left alone (capping fixes them)
   * @return the violations of the document after the last round
   */
  static List<Problem> drop(JsonNode root, List<Problem> problems, CompiledSchema schema,
      boolean ignoreMaxItems, Capped<Change> changes) {
    for (int round = 0; round < MAX_ROUNDS && !problems.isEmpty(); round++) {
      Map<ArrayNode, Target> targets = new IdentityHashMap<>();
      List<ArrayNode> order = new ArrayList<>();
      for (Problem p : problems) {
        if (ignoreMaxItems && "maxItems".equals(p.keyword())) {
          continue;
        }
        locate(root, p.pointer(), targets, order);
      }
      if (order.isEmpty()) {
        return problems;
      }
      // Deeper arrays first, so that each reported pointer still holds when it is applied.
      order.sort(java.util.Comparator.comparingInt(
          (ArrayNode a) -> Pointers.tokens(targets.get(a).pointer).size()).reversed());
      for (ArrayNode array : order) {
        Target t = targets.get(array);
        for (int index : t.indices.descendingSet()) {
          JsonNode item = array.get(index);
          changes.record(() -> new Change(Pointers.child(t.pointer, index),
              Repair.DROP_INVALID_ITEM, Describe.value(item), Describe.REMOVED));
          array.remove(index);
        }
      }
      problems = schema.validate(root);
    }
    return problems;
  }

  /** Records the innermost array item on the path to {@code pointer}. */
  private static void locate(JsonNode root, String pointer, Map<ArrayNode, Target> targets,
      List<ArrayNode> order) {
    JsonNode node = root;
    String path = "";
    ArrayNode innermost = null;
    String innermostPointer = null;
    int innermostIndex = -1;
    for (String token : Pointers.tokens(pointer)) {
      if (node == null) {
        break;
      }
      if (node.isArray()) {
        int index = parseIndex(token);
        if (index < 0 || index >= node.size()) {
          break;
        }
        innermost = (ArrayNode) node;
        innermostPointer = path;
        innermostIndex = index;
        node = node.get(index);
        path = Pointers.child(path, index);
      } else {
        node = node.get(token);
        path = Pointers.child(path, token);
      }
    }
    if (innermost != null) {
      ArrayNode array = innermost;
      String arrayPointer = innermostPointer;
      Target t = targets.computeIfAbsent(array, a -> {
        order.add(a);
        return new Target(arrayPointer);
      });
      t.indices.add(innermostIndex);
    }
  }

  private static int parseIndex(String token) {
    if (token.isEmpty() || token.length() > 9) {
      return -1;
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(token);
  }

  private static final class Target {
    final String pointer;
    final TreeSet<Integer> indices = new TreeSet<>();

    Target(String pointer) {
      this.pointer = pointer;
    }
  }
}
