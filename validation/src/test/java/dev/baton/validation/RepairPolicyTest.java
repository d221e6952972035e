package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each repair on its own, and what each policy leaves alone. */
class RepairPolicyTest {
  static final String SCHEMA = """
      {"type": "object", "additionalProperties": false,
       "properties": {
         "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
         "groups": {"type": "array", "items": {"type": "array", "minItems": 1, "items": {"type": "integer"}}},
         "name": {"type": "string", "enum": ["a b", "c"]}
       }}""";

  static JsonValidator<Object> validator(RepairPolicy policy) {
    return JsonValidator.builder(Object.class).schema(SCHEMA).policy(policy).build();
  }

  static List<String> changes(ValidationResult<?> r) {
    return r.changes().stream().map(c -> c.kind() + " " + c.pointer() + " " + c.before() + " -> " + c.after()).toList();
  }

  @Test
  void dropUnknownKeyOnly() {
    ValidationResult<Object> r = validator(RepairPolicy.of(Repair.DROP_UNKNOWN_KEY))
        .validate("{\"name\": \"c\", \"a/b~\": {\"x\": 1}}");
    assertTrue(r.isValid(), r::toString);
    assertEquals(List.of("DROP_UNKNOWN_KEY /a~1b~0 an object of 1 member -> (removed)"), changes(r));
    assertEquals("{\"name\":\"c\"}", r.json().orElseThrow());
  }

  @Test
  void dropNullOptionalOnlyWhereTheSchemaRefusesNullAndTheMemberIsOptional() {
    String schema = """
        {"type": "object", "required": ["id"],
         "properties": {
           "id": {"type": "integer"},
           "rating": {"type": "number"},
           "note": {"type": ["string", "null"]},
           "kind": {"enum": ["a", "b"]},
           "anything": {},
           "ref": {"$ref": "#/$defs/name"},
           "inner": {"type": "object", "properties": {"x": {"type": "string"}}}
         },
         "$defs": {"name": {"type": "string"}}}""";
    JsonValidator<Object> v = JsonValidator.builder(Object.class).schema(schema)
        .policy(RepairPolicy.of(Repair.DROP_NULL_OPTIONAL)).build();
    ValidationResult<Object> r = v.validate("""
        {"id": 7, "rating": null, "note": null, "kind": null, "anything": null, "ref": null,
         "inner": {"x": null}}""");
    assertTrue(r.isValid(), r::toString);
    assertEquals(List.of(
        "DROP_NULL_OPTIONAL /rating null -> (removed)",
        "DROP_NULL_OPTIONAL /kind null -> (removed)",
        "DROP_NULL_OPTIONAL /ref null -> (removed)",
        "DROP_NULL_OPTIONAL /inner/x null -> (removed)"), changes(r));
    assertEquals("{\"id\":7,\"note\":null,\"anything\":null,\"inner\":{}}", r.json().orElseThrow());

    ValidationResult<Object> required = v.validate("{\"id\": null}");
    assertFalse(required.isValid(), "a required member's null is a problem, not repaired");
    assertTrue(required.changes().isEmpty(), required::toString);
    ValidationResult<Object> strict = JsonValidator.builder(Object.class).schema(schema)
        .policy(RepairPolicy.strict()).build().validate("{\"id\": 1, \"rating\": null}");
    assertFalse(strict.isValid(), "strict repairs nothing");
  }

  @Test
  void sanitizeStringOnly() {
    ValidationResult<Object> r = validator(RepairPolicy.of(Repair.SANITIZE_STRING))
        .validate("{\"name\": \" a\\u200f b\\u2066 \", \"tags\": [\"x\\u0000\", \"line\\nbreak\\ttab\"]}");
    assertTrue(r.isValid(), r::toString);
    assertEquals(List.of(
        "SANITIZE_STRING /name \" a\\u200F b\\u2066 \" -> \"a b\"",
        "SANITIZE_STRING /tags/0 \"x\\u0000\" -> \"x\""), changes(r));
    assertTrue(r.json().orElseThrow().contains("line\\nbreak\\ttab"), "tab and newline are kept");
  }

  @Test
  void capArrayOnly() {
    ValidationResult<Object> r = validator(RepairPolicy.of(Repair.CAP_ARRAY)).validate("{\"tags\": [\"1\", \"2\", \"3\"]}");
    assertTrue(r.isValid(), r::toString);
    assertEquals(List.of("CAP_ARRAY /tags 3 items -> 2 items"), changes(r));
    assertEquals("{\"tags\":[\"1\",\"2\"]}", r.json().orElseThrow());
  }

  @Test
  void dropInvalidItemCascadesToTheParentItem() {
    ValidationResult<Object> r = validator(RepairPolicy.of(Repair.DROP_INVALID_ITEM))
        .validate("{\"groups\": [[1, 2], [\"x\"], [3, \"y\"]]}");
    assertTrue(r.isValid(), r::toString);
    assertEquals(List.of(
        "DROP_INVALID_ITEM /groups/1/0 \"x\" -> (removed)",
        "DROP_INVALID_ITEM /groups/2/1 \"y\" -> (removed)",
        "DROP_INVALID_ITEM /groups/1 0 items -> (removed)"), changes(r));
    assertEquals("{\"groups\":[[1,2],[3]]}", r.json().orElseThrow());
  }

  @Test
  void droppingDoesNotCapWhenCappingIsNotAllowed() {
    ValidationResult<Object> r = validator(RepairPolicy.of(Repair.DROP_INVALID_ITEM))
        .validate("{\"tags\": [\"1\", \"2\", \"3\"]}");
    assertFalse(r.isValid());
    assertTrue(r.changes().isEmpty(), r::toString);
    assertEquals("maxItems", r.problems().get(0).keyword());
    assertEquals("/tags", r.problems().get(0).pointer());
  }

  @Test
  void whatNoRepairCanFixStaysAProblem() {
    ValidationResult<Object> r = validator(RepairPolicy.all()).validate("{\"name\": \"zzz\"}");
    assertFalse(r.isValid());
    assertEquals("enum", r.problems().get(0).keyword());
    assertEquals("/name", r.problems().get(0).pointer());
    assertTrue(r.json().isPresent());
  }

  @Test
  void strictChangesNothing() {
    String input = "{\"name\": \" c \", \"tags\": [\"1\", \"2\", \"3\"], \"extra\": 1}";
    ValidationResult<Object> r = validator(RepairPolicy.strict()).validate(input);
    assertFalse(r.isValid());
    assertTrue(r.changes().isEmpty());
    assertEquals("{\"name\":\" c \",\"tags\":[\"1\",\"2\",\"3\"],\"extra\":1}", r.json().orElseThrow());
  }

  @Test
  void policies() {
    assertEquals(java.util.EnumSet.allOf(Repair.class), RepairPolicy.all().allowed());
    assertTrue(RepairPolicy.strict().allowed().isEmpty());
    assertEquals(RepairPolicy.strict(), RepairPolicy.of());
    assertFalse(RepairPolicy.of(Repair.CAP_ARRAY).allows(Repair.SANITIZE_STRING));
  }
}
