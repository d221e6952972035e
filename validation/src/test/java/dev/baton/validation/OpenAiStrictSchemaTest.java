package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAI strict-mode view of a schema. */
class OpenAiStrictSchemaTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  static JsonNode view(String schema) throws Exception {
    return MAPPER.readTree(JsonValidator.forSchema(schema, Object.class).openAiStrictSchema());
  }

  @Test
  void everyPropertyRequiredOptionalOnesNullableNoExtras() throws Exception {
    JsonNode v = view("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
         "required": ["id"],
         "properties": {
           "id": {"type": "integer", "minimum": 1},
           "note": {"type": "string", "maxLength": 10, "minLength": 1},
           "kind": {"type": "string", "enum": ["a", "b"]},
           "ref": {"$ref": "#/$defs/thing"},
           "fixed": {"const": "x"}
         },
         "$defs": {"thing": {"type": "object", "properties": {"n": {"type": ["number"]}},
                             "patternProperties": {"^x": {}}, "minProperties": 1}}}""");

    assertEquals(List.of("id", "note", "kind", "ref", "fixed"), texts(v.get("required")));
    assertFalse(v.get("additionalProperties").asBoolean(true));
    assertFalse(v.has("$schema"));
    assertEquals(1, v.at("/properties/id/minimum").asInt());
    assertEquals("\"integer\"", v.at("/properties/id/type").toString());
    assertEquals("{\"type\":[\"string\",\"null\"]}", v.at("/properties/note").toString());
    assertEquals("[\"a\",\"b\",null]", v.at("/properties/kind/enum").toString());
    assertEquals("{\"anyOf\":[{\"$ref\":\"#/$defs/thing\"},{\"type\":\"null\"}]}", v.at("/properties/ref").toString());
    assertEquals("{\"anyOf\":[{\"enum\":[\"x\"]},{\"type\":\"null\"}]}", v.at("/properties/fixed").toString());
    JsonNode thing = v.at("/$defs/thing");
    assertEquals(List.of("n"), texts(thing.get("required")));
    assertEquals("[\"number\",\"null\"]", thing.at("/properties/n/type").toString());
    assertFalse(thing.has("patternProperties"));
    assertFalse(thing.has("minProperties"));
    assertFalse(thing.get("additionalProperties").asBoolean(true));
  }

  @Test
  void unsupportedKeywordsAndFormatsAreRemovedSupportedOnesKept() throws Exception {
    JsonNode v = view("""
        {"type": "object", "required": ["a", "b", "c"], "properties": {
           "a": {"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true,
                 "items": {"type": "string", "format": "email", "pattern": "@"}},
           "b": {"type": "string", "format": "uri-reference", "default": "x"},
           "c": {"oneOf": [{"type": "integer"}, {"type": "string"}], "allOf": [{}], "not": {"type": "null"}}
         }}""");

    assertEquals("{\"type\":\"array\",\"minItems\":1,\"maxItems\":3,\"items\":{\"type\":\"string\",\"format\":\"email\",\"pattern\":\"@\"}}",
        v.at("/properties/a").toString());
    assertEquals("{\"type\":\"string\"}", v.at("/properties/b").toString());
    assertEquals("{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}", v.at("/properties/c").toString());
  }

  @Test
  void theViewIsAValidSchemaAndTheFullSchemaIsStillEnforced() {
    JsonValidator<Object> v = JsonValidator.forSchema(
        "{\"type\": \"object\", \"properties\": {\"s\": {\"type\": \"string\", \"maxLength\": 3}}}", Object.class);
    assertTrue(JsonValidator.forSchema(v.openAiStrictSchema(), Object.class).validate("{\"s\": \"toolong\"}").isValid());
    ValidationResult<Object> checked = v.validate("{\"s\": \"toolong\"}");
    assertFalse(checked.isValid());
    assertEquals("maxLength", checked.problems().get(0).keyword());
  }

  @Test
  void aRootThatIsNotAnObjectSchemaIsRefused() {
    assertThrows(ValidationException.class, () -> JsonValidator.forSchema("true", Object.class).openAiStrictSchema());
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
