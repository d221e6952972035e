package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The view of a schema that OpenAI's Structured Outputs accept with {@code strict: true}, per
 * OpenAI's "supported schemas" list: every object lists all its properties in {@code required}
 * and has {@code additionalProperties: false}; a property that was optional becomes nullable
 * (its {@code type} gains {@code "null"}, or it is wrapped in {@code anyOf […, {"type":"null"}]});
 * {@code const} becomes a one-value {@code enum}; {@code oneOf} becomes {@code anyOf}; and every
 * keyword outside {@link #KEPT} is removed ({@code allOf}, {@code not}, {@code if}/{@code then}/
 * {@code else}, {@code dependent*}, {@code patternProperties}, {@code unevaluated*},
 * {@code propertyNames}, {@code min/maxProperties}, {@code contains}, {@code uniqueItems},
 * {@code prefixItems}, {@code minLength}/{@code maxLength}, {@code default}, {@code $schema},
 * {@code $id} …), as is a {@code format} OpenAI does not know. The model is then constrained by
 * the view, and its answer is still checked against the full schema. Thread-safe (stateless).
 */
final class OpenAiStrictSchema {
  /** Keywords OpenAI strict mode supports; everything else is removed. */
  static final Set<String> KEPT = Set.of("type", "properties", "required", "additionalProperties",
      "items", "enum", "anyOf", "$ref", "$defs", "definitions", "title", "description",
      "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
      "multipleOf", "minItems", "maxItems");
  /** The string formats OpenAI strict mode supports. */
  static final Set<String> FORMATS = Set.of("date-time", "time", "date", "duration", "email",
      "hostname", "ipv4", "ipv6", "uuid");
  private static final int MAX_SCHEMA_DEPTH = 256;

  private OpenAiStrictSchema() {
  }

  static ObjectNode of(JsonNode schema) {
    if (!schema.isObject()) {
      throw new ValidationException("OpenAI strict mode needs an object schema at the root, not: "
          + schema);
    }
    return (ObjectNode) convert(schema.deepCopy(), 0);
  }

  private static JsonNode convert(JsonNode node, int depth) {
    if (depth > MAX_SCHEMA_DEPTH) {
      throw new ValidationException("schema nests deeper than " + MAX_SCHEMA_DEPTH);
    }
    if (!node.isObject()) {
      return node; // boolean schemas are left as they are
    }
    ObjectNode schema = (ObjectNode) node;
    if (schema.has("const") && !schema.has("enum")) {
      schema.set("enum", JsonNodeFactory.instance.arrayNode().add(schema.get("const")));
    }
    if (schema.has("oneOf") && !schema.has("anyOf")) {
      schema.set("anyOf", schema.get("oneOf"));
    }
    JsonNode format = schema.get("format");
    if (format != null && !FORMATS.contains(format.asText())) {
      schema.remove("format");
    }
    schema.retain(KEPT);

    for (String mapKeyword : List.of("$defs", "definitions")) {
      JsonNode defs = schema.get(mapKeyword);
      if (defs != null && defs.isObject()) {
        convertMembers((ObjectNode) defs, depth);
      }
    }
    JsonNode items = schema.get("items");
    if (items != null) {
      schema.set("items", convert(items, depth + 1));
    }
    JsonNode anyOf = schema.get("anyOf");
    if (anyOf != null && anyOf.isArray()) {
      ArrayNode branches = (ArrayNode) anyOf;
      for (int i = 0; i < branches.size(); i++) {
        branches.set(i, convert(branches.get(i), depth + 1));
      }
    }
    if (isObjectSchema(schema)) {
      strictObject(schema, depth);
    }
    return schema;
  }

  private static void strictObject(ObjectNode schema, int depth) {
    ObjectNode properties = schema.has("properties") && schema.get("properties").isObject()
        ? (ObjectNode) schema.get("properties") : schema.putObject("properties");
    List<String> wasRequired = new ArrayList<>();
    schema.path("required").forEach(name -> wasRequired.add(name.asText()));
    convertMembers(properties, depth);
    ArrayNode required = JsonNodeFactory.instance.arrayNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      required.add(property.getKey());
      if (!wasRequired.contains(property.getKey())) {
        property.setValue(nullable(property.getValue()));
      }
    }
    schema.set("required", required);
    schema.put("additionalProperties", false);
  }

  /** The schema, also accepting {@code null}: how strict mode spells "optional". */
  private static JsonNode nullable(JsonNode property) {
    if (property.isObject()) {
      ObjectNode p = (ObjectNode) property;
      JsonNode type = p.get("type");
      boolean plain = !p.has("$ref") && !p.has("anyOf");
      if (plain && type != null && type.isTextual()) {
        if (!type.asText().equals("null")) {
          p.set("type", JsonNodeFactory.instance.arrayNode().add(type.asText()).add("null"));
          addNullToEnum(p);
        }
        return p;
      }
      if (plain && type != null && type.isArray()) {
        if (!contains(type, "null")) {
          ((ArrayNode) type).add("null");
          addNullToEnum(p);
        }
        return p;
      }
    }
    ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
    wrapper.putArray("anyOf").add(property).addObject().put("type", "null");
    return wrapper;
  }

  private static void addNullToEnum(ObjectNode p) {
    JsonNode values = p.get("enum");
    if (values != null && values.isArray() && !contains(values, null)) {
      ((ArrayNode) values).addNull();
    }
  }

  private static boolean contains(JsonNode array, String text) {
    for (JsonNode v : array) {
      if (text == null ? v.isNull() : text.equals(v.asText(null))) {
        return true;
      }
    }
    return false;
  }

  private static void convertMembers(ObjectNode members, int depth) {
    for (Iterator<Map.Entry<String, JsonNode>> it = members.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      member.setValue(convert(member.getValue(), depth + 1));
    }
  }

  private static boolean isObjectSchema(ObjectNode schema) {
    JsonNode type = schema.get("type");
    return schema.has("properties")
        || (type != null && type.isTextual() && type.asText().equals("object"))
        || (type != null && type.isArray() && contains(type, "object"));
  }
}
