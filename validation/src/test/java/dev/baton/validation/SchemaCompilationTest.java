package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.validation.constraints.MaxItems;
import dev.baton.validation.constraints.MaxLength;
import dev.baton.validation.constraints.Minimum;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which schemas run on Baton's compiled checks and which fall back to networknt, and that a
 * fallback still checks what the compiled subset does not cover. (That compiled checks agree
 * with networknt is {@link CompiledChecksDifferentialTest}.)
 */
class SchemaCompilationTest {
  record Tag(@MaxLength(20) String name) {
  }

  record Review(@MaxLength(200) String title, @Minimum(0) int score, @MaxItems(3) List<Tag> tags) {
  }

  @Test
  void recordSchemasAndTheRecommenderSchemaAreCompiled() {
    assertTrue(JsonValidator.forRecord(Review.class).schemaCompiled());
    assertTrue(RecommenderTest.VALIDATOR.schemaCompiled());
    assertTrue(JsonValidator.forSchema("{}", Object.class).schemaCompiled());
    assertTrue(JsonValidator.forSchema("false", Object.class).schemaCompiled());
  }

  @Test
  void aKeywordOutsideTheCompiledSetFallsBackAndIsStillChecked() {
    JsonValidator<Object> pattern = JsonValidator.builder(Object.class)
        .schema("{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\", \"pattern\": \"^[a-z]+$\"}}}")
        .policy(RepairPolicy.strict())
        .build();
    assertFalse(pattern.schemaCompiled());
    assertTrue(pattern.validate("{\"id\": \"abc\"}").isValid());
    ValidationResult<Object> bad = pattern.validate("{\"id\": \"ABC\"}");
    assertEquals(List.of("pattern /id"),
        bad.problems().stream().map(p -> p.keyword() + " " + p.pointer()).toList());
  }

  @Test
  void identifiersForeignReferencesOtherDraftsAndLoopsAreRefused() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    for (String schema : List.of(
        "{\"$id\": \"https://example.com/a\", \"type\": \"object\"}",
        "{\"$defs\": {\"x\": {\"$anchor\": \"x\"}}, \"$ref\": \"#x\"}",
        "{\"$ref\": \"https://example.com/other.json\"}",
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\"}",
        "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}",
        "{\"properties\": {\"a\": {\"$ref\": \"#/$defs/missing\"}}}",
        "{\"maxItems\": 2.5}",
        "{\"type\": \"integer\", \"format\": \"int32\"}")) {
      assertThrows(SchemaCompiler.Refused.class,
          () -> SchemaCompiler.compile(Numbers.canonicalTree(mapper.readTree(schema))), schema);
    }
    // A cycle through a property descends into the instance: compiled.
    SchemaCompiler.compile(mapper.readTree(
        "{\"type\": \"object\", \"properties\": {\"next\": {\"$ref\": \"#\"}}}"));
  }

  @Test
  void stringsThatOnlyNeedTrimmingAreStillTrimmed() {
    ValidationResult<Review> r = JsonValidator.forRecord(Review.class)
        .validate("{\"title\": \"  Heat \", \"score\": 9, \"tags\": [{\"name\": \"crime\\t\"}]}");
    assertTrue(r.isValid(), r::toString);
    assertEquals("Heat", r.orElseThrow().title());
    assertEquals("crime", r.orElseThrow().tags().get(0).name());
    assertEquals(List.of("/title", "/tags/0/name"),
        r.changes().stream().map(Change::pointer).toList());
  }
}
