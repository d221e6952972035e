package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a draft 2020-12 schema into {@link SchemaCheck}s, all or nothing: a schema that uses
 * only the keywords below, with well-formed values, compiles; any other is refused with the
 * reason, and the validator uses networknt for the whole schema ({@link NetworkntSchema}).
 *
 * <p>Compiled: {@code type}, {@code properties}, {@code required}, {@code additionalProperties}
 * (boolean or schema), {@code items} (a schema), {@code minItems}, {@code maxItems},
 * {@code uniqueItems}, {@code minLength}, {@code maxLength}, {@code minimum}, {@code maximum},
 * {@code exclusiveMinimum}, {@code exclusiveMaximum}, {@code enum}, {@code const}, local
 * {@code $ref}s ({@code #}, {@code #/…}), boolean schemas; ignored as annotations:
 * {@value #ANNOTATIONS}. Refused (networknt checks them): every other keyword
 * ({@code pattern}, {@code format}, {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not},
 * conditionals, {@code prefixItems}, {@code contains}, {@code unevaluated*}, …), {@code $id},
 * anchors and dynamic references anywhere in the document, references to other documents, a
 * {@code $schema} other than 2020-12's, and a cycle of references that never descends into the
 * instance. Thread-safe (stateless; each compilation has its own state).
 */
final class SchemaCompiler {
  static final String ANNOTATIONS =
      "$comment, title, description, default, examples, deprecated, readOnly, writeOnly, $defs, definitions";
  private static final Set<String> IGNORED = Set.of(ANNOTATIONS.split(", "));
  private static final Set<String> FOREIGN_ANYWHERE = Set.of("$id", "$anchor", "$dynamicAnchor",
      "$dynamicRef", "$recursiveRef", "$recursiveAnchor", "$vocabulary");
  private static final Set<String> DRAFT_2020_12 = Set.of(
      "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#");
  private static final Map<String, Integer> TYPES = Map.of("null", SchemaCheck.NULL,
      "boolean", SchemaCheck.BOOLEAN, "object", SchemaCheck.OBJECT, "array", SchemaCheck.ARRAY,
      "number", SchemaCheck.NUMBER | SchemaCheck.INTEGER, "string", SchemaCheck.STRING,
      "integer", SchemaCheck.INTEGER);

  /** Why a schema is not compiled; cheap (no stack trace): it only chooses the fallback. */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  private final JsonNode root;
  private final Map<JsonNode, SchemaCheck> compiled = new IdentityHashMap<>();

  private SchemaCompiler(JsonNode root) {
    this.root = root;
  }

  /**
   * The compiled checks of {@code schema} (with numbers already made canonical).
   *
   * @throws Refused naming the first thing that is not compiled
   */
  static SchemaCheck compile(JsonNode schema) throws Refused {
    if (schema.isObject() && schema.has("$schema")
        && !DRAFT_2020_12.contains(schema.get("$schema").asText())) {
      throw new Refused("$schema " + schema.get("$schema"));
    }
    scanDocument(schema);
    SchemaCompiler compiler = new SchemaCompiler(schema);
    SchemaCheck check = compiler.node(schema);
    compiler.refuseNonDescendingCycles();
    return check;
  }

  /** Identifiers, anchors and references to other documents change resolution: not compiled. */
  private static void scanDocument(JsonNode schema) throws Refused {
    Deque<JsonNode> containers = new ArrayDeque<>();
    containers.push(schema);
    while (!containers.isEmpty()) {
      JsonNode node = containers.pop();
      if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> member = it.next();
          if (FOREIGN_ANYWHERE.contains(member.getKey())) {
            throw new Refused(member.getKey());
          }
          if (member.getKey().equals("$ref") && member.getValue().isTextual()
              && !LocalRef.isPointer(member.getValue().textValue())) {
            throw new Refused("$ref " + member.getValue());
          }
        }
      }
      node.forEach(child -> {
        if (child.isContainerNode()) {
          containers.push(child);
        }
      });
    }
  }

  private SchemaCheck node(JsonNode schema) throws Refused {
    SchemaCheck done = compiled.get(schema);
    if (done != null) {
      return done;
    }
    SchemaCheck check = new SchemaCheck();
    compiled.put(schema, check); // before the children: a reference back to it finds it
    if (schema.isBoolean()) {
      check.rejectsAll = !schema.booleanValue();
      return check;
    }
    if (!schema.isObject()) {
      throw new Refused("a schema that is neither an object nor a boolean: " + schema);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      keyword(check, member.getKey(), member.getValue(), schema == root);
    }
    return check;
  }

  private void keyword(SchemaCheck check, String name, JsonNode value, boolean atRoot)
      throws Refused {
    switch (name) {
      case "$schema" -> {
        if (!atRoot) {
          throw new Refused("$schema in a subschema");
        }
      }
      case "type" -> type(check, value);
      case "$ref" -> {
        JsonNode target = value.isTextual() ? LocalRef.resolve(root, value.textValue()) : null;
        if (target == null) {
          throw new Refused("$ref " + value + " does not resolve");
        }
        check.ref = node(target);
      }
      case "const" -> {
        check.hasConst = true;
        check.constValue = value;
      }
      case "enum" -> check.enumValues = require(value.isArray(), name, value);
      case "properties" -> {
        require(value.isObject(), name, value);
        Map<String, SchemaCheck> properties = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> property = it.next();
          properties.put(property.getKey(), node(property.getValue()));
        }
        check.properties = properties;
      }
      case "required" -> check.required = names(value);
      case "additionalProperties" -> {
        if (value.isBoolean()) {
          check.noAdditional = !value.booleanValue();
        } else {
          check.additional = node(require(value.isObject(), name, value));
        }
      }
      case "items" -> {
        if (value.isBoolean() && !value.booleanValue()) {
          check.noItems = true; // networknt reports the array, not each item
        } else {
          check.items = node(require(value.isObject() || value.isBoolean(), name, value));
        }
      }
      case "uniqueItems" -> check.uniqueItems = require(value.isBoolean(), name, value).booleanValue();
      case "minItems" -> check.minItems = count(name, value);
      case "maxItems" -> check.maxItems = count(name, value);
      case "minLength" -> check.minLength = count(name, value);
      case "maxLength" -> check.maxLength = count(name, value);
      case "minimum" -> check.minimum = require(value.isNumber(), name, value);
      case "maximum" -> check.maximum = require(value.isNumber(), name, value);
      case "exclusiveMinimum" -> check.exclusiveMinimum = require(value.isNumber(), name, value);
      case "exclusiveMaximum" -> check.exclusiveMaximum = require(value.isNumber(), name, value);
      default -> {
        if (!IGNORED.contains(name)) {
          throw new Refused("keyword " + name);
        }
      }
    }
  }

  private static void type(SchemaCheck check, JsonNode value) throws Refused {
    List<String> names = new ArrayList<>();
    if (value.isTextual()) {
      names.add(value.textValue());
    } else if (value.isArray() && !value.isEmpty()) {
      for (JsonNode n : value) {
        require(n.isTextual(), "type", value);
        names.add(n.textValue());
      }
    } else {
      throw new Refused("type " + value);
    }
    int bits = 0;
    for (String n : names) {
      Integer bit = TYPES.get(n);
      if (bit == null) {
        throw new Refused("type " + value);
      }
      bits |= bit;
    }
    check.types = bits;
    check.typeText = value.isTextual() ? value.textValue() : names.toString();
  }

  private static String[] names(JsonNode value) throws Refused {
    require(value.isArray(), "required", value);
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode n : value) {
      require(n.isTextual(), "required", value);
      names.add(n.textValue());
    }
    return names.toArray(new String[0]);
  }

  private static int count(String keyword, JsonNode value) throws Refused {
    // The schema's numbers are canonical: 2.0 is an IntNode here, 2.5 is not.
    return require(value.isInt() && value.intValue() >= 0, keyword, value).intValue();
  }

  private static JsonNode require(boolean wellFormed, String keyword, JsonNode value)
      throws Refused {
    if (!wellFormed) {
      throw new Refused(keyword + " " + value);
    }
    return value;
  }

  /**
   * A reference chain that comes back to where it started without descending into the instance
   * would recurse forever on every instance: left to networknt, which detects it.
   */
  private void refuseNonDescendingCycles() throws Refused {
    for (SchemaCheck start : compiled.values()) {
      SchemaCheck at = start.ref;
      for (int hops = 0; at != null; hops++, at = at.ref) {
        if (at == start || hops > compiled.size()) {
          throw new Refused("a cycle of $refs that does not descend into the instance");
        }
      }
    }
  }
}
