package dev.baton.examples;

import dev.baton.validation.JsonValidator;
import dev.baton.validation.ValidationResult;
import java.util.List;

/**
 * The recommender flow: a language model was asked for three movies as JSON and answered the
 * way models do, with prose around a code fence, a key nobody asked for, a {@code null} for an
 * optional field, an invisible bidi control in a title, a movie without its id and one movie
 * too many. {@link JsonValidator} finds the JSON, repairs what can be repaired (each change
 * reported with its JSON Pointer), checks the schema, and binds a record.
 */
public final class RecommenderDemo {
  /** What the application stores. */
  public record Movie(String title, long id, Integer year) {}

  /** The model's answer, bound. */
  public record Recommendations(List<Movie> movies) {}

  static final String SCHEMA = """
      {"type": "object", "additionalProperties": false, "required": ["movies"],
       "properties": {"movies": {"type": "array", "minItems": 1, "maxItems": 3,
         "items": {"type": "object", "additionalProperties": false, "required": ["title", "id"],
           "properties": {"title": {"type": "string", "minLength": 1},
                          "id": {"type": "integer"},
                          "year": {"type": "integer"}}}}}}""";

  static final String MODEL_ANSWER = """
      Sure! Here are three films you might enjoy:

      ```json
      {"movies": [
        {"title": "Arrival\u202e", "id": 329865, "year": 2016, "rating": 8.1},
        {"title": "Her", "year": 2013},
        {"title": "  Moon ", "id": 17431, "year": null},
        {"title": "Gattaca", "id": 782, "year": 1997},
        {"title": "Contact", "id": 686, "year": 1997}
      ]}
      ```

      Let me know if you want more!""";

  private RecommenderDemo() {}

  public static void main(String[] args) {
    run();
  }

  /** Runs the flow; returns the validation result (valid, three movies). */
  static ValidationResult<Recommendations> run() {
    System.out.println("\n== Recommender: validate and repair a model's answer");
    JsonValidator<Recommendations> validator = JsonValidator.forSchema(SCHEMA, Recommendations.class);
    ValidationResult<Recommendations> result = validator.validate(MODEL_ANSWER);
    result.changes().forEach(change -> System.out.println("  repaired: " + change));
    if (result.isValid()) {
      for (Movie movie : result.orElseThrow().movies()) {
        System.out.printf("  stored: %s (%s), id %d%n", movie.title(),
            movie.year() == null ? "year unknown" : movie.year(), movie.id());
      }
    } else {
      System.out.println("  rejected: " + result.problems());
    }
    return result;
  }
}
