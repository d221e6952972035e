package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The case the module was written for: a recommender's answer, repaired and bound. */
class RecommenderTest {
  static final JsonValidator<Recommendations> VALIDATOR =
      JsonValidator.builder(Recommendations.class)
          .schemaResource("dev/baton/validation/recommendations.schema.json")
          .build();

  static String movie(String title, long id) {
    return "{\"title\": \"" + title + "\", \"tmdb_id\": " + id + ", \"explanation\": \"Because you liked Heat.\"}";
  }

  /** Prose, a fence, eight movies (one without tmdb_id), a bidi-laced title, an unknown key. */
  static final String ANSWER = "Sure! Here are my picks for tonight:\n\n```json\n"
      + "{\"movies\": [\n"
      + "  {\"title\": \"  \\u202eInception\\u0007 \", \"tmdb_id\": 27205, \"explanation\": \"Heists in dreams.\"},\n"
      + "  {\"title\": \"Ronin\", \"tmdb_id\": 8195, \"explanation\": \"Car chases.\", \"rating\": 9.5},\n"
      + "  {\"title\": \"Thief\", \"explanation\": \"No id, the model forgot it.\"},\n"
      + "  " + movie("Collateral", 1538) + ",\n"
      + "  " + movie("Drive", 64690) + ",\n"
      + "  " + movie("Sicario", 273481) + ",\n"
      + "  " + movie("The Town", 23168) + ",\n"
      + "  " + movie("Blackhat", 201088) + "\n"
      + "],\n"
      + "\"tvshows\": [\n"
      + "  " + movie("Crime Story", 2363) + ",\n"
      + "  {\"title\": \"Miami Vice\", \"tmdb_id\": \"one-five-two\", \"explanation\": \"Pastels.\"}\n"
      + "]}\n```\nEnjoy the movies!";

  @Test
  void repairsEveryFlawReportsEachChangeAndBinds() {
    ValidationResult<Recommendations> result = VALIDATOR.validate(ANSWER);

    assertTrue(result.isValid(), () -> "problems: " + result.problems());
    List<String> changes = result.changes().stream().map(c -> c.kind() + " " + c.pointer()).toList();
    assertEquals(List.of(
        "DROP_UNKNOWN_KEY /movies/1/rating",
        "SANITIZE_STRING /movies/0/title",
        "DROP_INVALID_ITEM /movies/2",
        "DROP_INVALID_ITEM /tvshows/1",
        "CAP_ARRAY /movies"), changes, () -> "changes: " + result.changes());

    Change sanitized = result.changes().get(1);
    assertEquals("\"  \\u202EInception\\u0007 \"", sanitized.before());
    assertEquals("\"Inception\"", sanitized.after());
    Change capped = result.changes().get(4);
    assertEquals("7 items", capped.before());
    assertEquals("5 items", capped.after());

    Recommendations recs = result.orElseThrow();
    assertEquals(List.of("Inception", "Ronin", "Collateral", "Drive", "Sicario"),
        recs.movies().stream().map(Recommendations.Title::title).toList());
    assertEquals(27205, recs.movies().get(0).tmdbId());
    assertEquals(List.of("Crime Story"), recs.tvshows().stream().map(Recommendations.Title::title).toList());
    assertFalse(result.json().orElseThrow().contains("rating"));
    assertFalse(result.json().orElseThrow().contains("Thief"));
  }

  @Test
  void strictPolicyReportsTheSameFlawsAndBindsNothing() {
    JsonValidator<Recommendations> strict = JsonValidator.builder(Recommendations.class)
        .schemaResource("dev/baton/validation/recommendations.schema.json")
        .policy(RepairPolicy.strict())
        .build();

    ValidationResult<Recommendations> result = strict.validate(ANSWER);

    assertFalse(result.isValid());
    assertTrue(result.value().isEmpty());
    assertTrue(result.changes().isEmpty());
    List<String> problems = result.problems().stream().map(p -> p.keyword() + " " + p.pointer()).sorted().toList();
    assertEquals(List.of(
        "additionalProperties /movies/1",
        "maxItems /movies",
        "required /movies/2",
        "type /tvshows/1/tmdb_id"), problems, () -> "problems: " + result.problems());
  }

  @Test
  void aValidAnswerIsBoundUnchanged() {
    String answer = "{\"movies\": [" + movie("Heat", 949) + "], \"tvshows\": []}";

    ValidationResult<Recommendations> result = VALIDATOR.validate(answer);

    assertTrue(result.isValid(), () -> "problems: " + result.problems());
    assertTrue(result.changes().isEmpty());
    assertEquals(949, result.orElseThrow().movies().get(0).tmdbId());
  }
}
