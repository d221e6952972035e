package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schemas generated from records, and binding: never a silent 0 or false. */
class RecordBindingTest {
  record Score(int points, boolean final_, String label) {
  }

  static final JsonValidator<Score> SCORE = JsonValidator.forRecord(Score.class);

  @Test
  void theGeneratedSchemaRequiresEveryComponentAndNothingElse() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(JsonValidator.forRecord(Recommendations.class).schema());

    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText());
    assertEquals(List.of("movies", "tvshows"), names(schema.path("required")));
    assertFalse(schema.path("additionalProperties").asBoolean(true));
    JsonNode title = schema.at("/properties/movies/items");
    if (title.has("$ref")) {
      title = schema.at(title.get("$ref").asText().substring(1));
    }
    assertEquals(List.of("explanation", "title", "tmdb_id"), names(title.path("required")).stream().sorted().toList());
    assertEquals("integer", title.at("/properties/tmdb_id/type").asText());
    assertFalse(title.path("additionalProperties").asBoolean(true));
  }

  @Test
  void aMissingRequiredPrimitiveIsAProblemNotZero() {
    ValidationResult<Score> result = SCORE.validate("{\"final_\": true, \"label\": \"x\"}");

    assertFalse(result.isValid());
    assertTrue(result.value().isEmpty());
    assertEquals("required", result.problems().get(0).keyword());
    assertTrue(result.problems().get(0).message().contains("points"), result.problems()::toString);
    ValidationException e = assertThrows(ValidationException.class, result::orElseThrow);
    assertTrue(e.getMessage().contains("points"), e::getMessage);
  }

  @Test
  void aNullPrimitiveIsAProblemNotFalse() {
    ValidationResult<Score> result = SCORE.validate("{\"points\": 3, \"final_\": null, \"label\": \"x\"}");

    assertFalse(result.isValid());
    assertEquals("/final_", result.problems().get(0).pointer());
    assertEquals("type", result.problems().get(0).keyword());
  }

  @Test
  void aLooserSchemaStillNeverBindsAMissingPrimitiveAsZero() {
    JsonValidator<Score> loose = JsonValidator.forSchema("{\"type\": \"object\"}", Score.class);

    ValidationResult<Score> missing = loose.validate("{\"final_\": false, \"label\": \"x\"}");
    assertFalse(missing.isValid());
    assertEquals(Problem.BINDING, missing.problems().get(0).keyword());
    assertTrue(missing.problems().get(0).message().contains("points"), missing.problems()::toString);

    ValidationResult<Score> nulled = loose.validate("{\"points\": null, \"final_\": false, \"label\": \"x\"}");
    assertFalse(nulled.isValid());
    assertEquals(Problem.BINDING, nulled.problems().get(0).keyword());
    assertEquals("/points", nulled.problems().get(0).pointer());

    assertEquals(new Score(2, true, "ok"),
        loose.validate("{\"points\": 2, \"final_\": true, \"label\": \"ok\", \"extra\": 1}").orElseThrow());
  }

  @Test
  void bindsAValidAnswer() {
    assertEquals(new Score(7, false, "seven"),
        SCORE.validate("{\"points\": 7, \"final_\": false, \"label\": \" seven\"}").orElseThrow());
  }

  @Test
  void theSameRecordDrivesTheRequestAndTheCheck() {
    JsonValidator<Recommendations> full = JsonValidator.forRecord(Recommendations.class);
    JsonValidator<Recommendations> asSent = JsonValidator.builder(Recommendations.class)
        .schema(full.openAiStrictSchema()).policy(RepairPolicy.strict()).build();
    String answer = "{\"movies\": [{\"title\": \"Heat\", \"tmdb_id\": 949, \"explanation\": \"x\"}], \"tvshows\": []}";

    assertTrue(asSent.validate(answer).isValid());
    assertEquals(full.validate(answer).orElseThrow(), asSent.validate(answer).orElseThrow());
  }

  static List<String> names(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  record Film(String title, Integer year) {}

  @Test
  void anOptionalMemberThatIsAbsentOrNullBindsAsNull() {
    JsonValidator<Film> films = JsonValidator.forSchema("""
        {"type": "object", "required": ["title"],
         "properties": {"title": {"type": "string"}, "year": {"type": "integer"}}}""", Film.class);

    assertEquals(new Film("Moon", null), films.validate("{\"title\": \"Moon\"}").orElseThrow());
    ValidationResult<Film> nulled = films.validate("{\"title\": \"Moon\", \"year\": null}");
    assertEquals(new Film("Moon", null), nulled.orElseThrow(), "the null is dropped, then absent");
    assertEquals(Repair.DROP_NULL_OPTIONAL, nulled.changes().get(0).kind());
    assertEquals(new Film("Moon", 2009), films.validate("{\"title\": \"Moon\", \"year\": 2009}").orElseThrow());
  }
}
