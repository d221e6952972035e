package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The structural repairs that follow from the schema alone: {@link Repair#DROP_UNKNOWN_KEY}
 * where an object schema says {@code additionalProperties: false},
 * {@link Repair#DROP_NULL_OPTIONAL} where an optional property refuses null, and
 * {@link Repair#CAP_ARRAY}
 * where an array schema has {@code maxItems}. It follows {@code properties},
 * {@code additionalProperties}, {@code items}, {@code prefixItems}, {@code allOf} and local
 * {@code $ref}s ({@code #/…}); it does not guess inside {@code anyOf}, {@code oneOf} or
 * conditionals, where which branch applies is not known.
 *
 * <p>Recursion is bounded: one level per level of the instance (at most {@code maxDepth}, which
 * the parser enforced) plus at most {@value #MAX_REF_HOPS} chained references per level.
 * Thread-safe: it holds only the immutable schema tree.
 */
final class SchemaRepairer {

  private static final int MAX_REF_HOPS = 16;

  private final JsonNode root;
  /**
   * Local references resolved once each (decoding and walking a pointer on every use cost as
   * much as the rest of the walk); a reference that does not resolve maps to a missing node.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, JsonNode> resolved =
      new java.util.concurrent.ConcurrentHashMap<>();

  SchemaRepairer(JsonNode schemaRoot) {
    this.root = schemaRoot;
  }

  /**
   * Makes the repairs in {@code pass} (of {@link Repair#DROP_UNKNOWN_KEY},
   * {@link Repair#DROP_NULL_OPTIONAL} and {@link Repair#CAP_ARRAY}) in one walk.
   */
  void repair(JsonNode instance, Set<Repair> pass, Capped<Change> changes) {
    walk(root, instance, PointerPath.ROOT, pass, changes, 0);
  }

  private void walk(JsonNode schema, JsonNode instance, PointerPath pointer, Set<Repair> pass,
      Capped<Change> changes, int hops) {
    if (!schema.isObject() || hops > MAX_REF_HOPS) {
      return;
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null && ref.isTextual() && ref.textValue().startsWith("#")) {
      JsonNode target = resolve(ref.textValue());
      if (target != null) {
        walk(target, instance, pointer, pass, changes, hops + 1);
      }
    }
    JsonNode allOf = schema.get("allOf");
    if (allOf != null && allOf.isArray()) {
      for (JsonNode member : allOf) {
        walk(member, instance, pointer, pass, changes, hops + 1);
      }
    }
    if (instance.isObject()) {
      walkObject(schema, (ObjectNode) instance, pointer, pass, changes);
    } else if (instance.isArray()) {
      walkArray(schema, (ArrayNode) instance, pointer, pass, changes);
    }
  }

  private void walkObject(JsonNode schema, ObjectNode object, PointerPath pointer, Set<Repair> pass,
      Capped<Change> changes) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    List<Pattern> patterns = patterns(schema.get("patternProperties"));
    if (pass.contains(Repair.DROP_UNKNOWN_KEY) && additional != null && additional.isBoolean()
        && !additional.booleanValue() && patterns != null) {
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!properties.has(name) && patterns.stream().noneMatch(p -> p.matcher(name).find())) {
          JsonNode dropped = object.get(name);
          changes.record(() -> new Change(pointer.child(name).toString(),
              Repair.DROP_UNKNOWN_KEY, Describe.value(dropped), Describe.REMOVED));
          names.remove();
        }
      }
    }
    if (pass.contains(Repair.DROP_NULL_OPTIONAL)) {
      dropNullOptionals(schema, properties, object, pointer, changes);
    }
    for (Iterator<java.util.Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      java.util.Map.Entry<String, JsonNode> member = it.next();
      JsonNode sub = properties.get(member.getKey());
      if (sub == null && additional != null && additional.isObject()) {
        sub = additional;
      }
      if (sub != null) {
        walk(sub, member.getValue(), pointer.child(member.getKey()), pass, changes, 0);
      }
    }
  }

  private void dropNullOptionals(JsonNode schema, JsonNode properties, ObjectNode object,
      PointerPath pointer, Capped<Change> changes) {
    JsonNode required = schema.path("required");
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      JsonNode sub = properties.get(name);
      if (object.get(name).isNull() && sub != null && !contains(required, name)
          && refusesNull(sub, 0)) {
        JsonNode dropped = object.get(name);
        changes.record(() -> new Change(pointer.child(name).toString(),
            Repair.DROP_NULL_OPTIONAL, Describe.value(dropped), Describe.REMOVED));
        names.remove();
      }
    }
  }

  private static boolean contains(JsonNode names, String name) {
    if (names.isArray()) {
      for (JsonNode n : names) {
        if (n.isTextual() && n.textValue().equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a keyword of {@code schema} certainly rejects null; false when unsure. */
  private boolean refusesNull(JsonNode schema, int hops) {
    if (!schema.isObject() || hops > MAX_REF_HOPS) {
      return false;
    }
    JsonNode type = schema.get("type");
    if (type != null && type.isTextual() && !type.textValue().equals("null")) {
      return true;
    }
    if (type != null && type.isArray() && !contains(type, "null")) {
      return true;
    }
    JsonNode constant = schema.get("const");
    if (constant != null && !constant.isNull()) {
      return true;
    }
    JsonNode values = schema.get("enum");
    if (values != null && values.isArray()) {
      boolean nullListed = false;
      for (JsonNode v : values) {
        nullListed |= v.isNull();
      }
      if (!nullListed) {
        return true;
      }
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null && ref.isTextual() && ref.textValue().startsWith("#")) {
      JsonNode target = resolve(ref.textValue());
      return target != null && refusesNull(target, hops + 1);
    }
    return false;
  }

  private void walkArray(JsonNode schema, ArrayNode array, PointerPath pointer, Set<Repair> pass,
      Capped<Change> changes) {
    JsonNode maxItems = schema.get("maxItems");
    if (pass.contains(Repair.CAP_ARRAY) && maxItems != null && maxItems.canConvertToInt()
        && maxItems.intValue() >= 0 && array.size() > maxItems.intValue()) {
      int before = array.size();
      while (array.size() > maxItems.intValue()) {
        array.remove(array.size() - 1);
      }
      int after = array.size();
      changes.record(() -> new Change(pointer.toString(), Repair.CAP_ARRAY,
          Describe.items(before), Describe.items(after)));
    }
    JsonNode prefixItems = schema.get("prefixItems");
    int prefix = prefixItems != null && prefixItems.isArray() ? prefixItems.size() : 0;
    JsonNode items = schema.get("items");
    for (int i = 0; i < array.size(); i++) {
      JsonNode sub = i < prefix ? prefixItems.get(i) : items;
      if (sub != null) {
        walk(sub, array.get(i), pointer.child(i), pass, changes, 0);
      }
    }
  }

  private JsonNode resolve(String ref) {
    JsonNode target = resolved.computeIfAbsent(ref, r -> {
      JsonNode found = LocalRef.resolve(root, r);
      return found == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : found;
    });
    return target.isMissingNode() ? null : target;
  }

  /** The compiled patternProperties; an empty list if none; null if one cannot compile. */
  private static List<Pattern> patterns(JsonNode patternProperties) {
    List<Pattern> patterns = new ArrayList<>();
    if (patternProperties == null || !patternProperties.isObject()) {
      return patterns;
    }
    for (Iterator<String> it = patternProperties.fieldNames(); it.hasNext(); ) {
      try {
        patterns.add(Pattern.compile(it.next()));
      } catch (PatternSyntaxException e) {
        return null; // cannot tell which keys are allowed: drop nothing
      }
    }
    return patterns;
  }
}
