package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.validation.constraints.MaxItems;
import dev.baton.validation.constraints.MaxLength;
import dev.baton.validation.constraints.Maximum;
import dev.baton.validation.constraints.MinItems;
import dev.baton.validation.constraints.MinLength;
import dev.baton.validation.constraints.Minimum;
import dev.baton.validation.constraints.Pattern;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Baton's constraint annotations on record components, in the generated schema and in force. */
class RecordConstraintsTest {
  record Tag(@MinLength(1) @MaxLength(12) String name, @Minimum(0.5) @Maximum(1) double weight) {}

  record Review(
      @MaxLength(20) @Pattern("^[A-Z]") String title,
      @Minimum(0) @Maximum(10) int score,
      @MinItems(1) @MaxItems(3) List<Tag> tags) {}

  static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void theAnnotationsAreInTheGeneratedSchema() throws Exception {
    JsonNode schema = MAPPER.readTree(JsonValidator.forRecord(Review.class).schema());
    JsonNode props = schema.get("properties");
    assertEquals(20, props.at("/title/maxLength").intValue(), schema::toString);
    assertEquals("^[A-Z]", props.at("/title/pattern").textValue());
    assertEquals(0, props.at("/score/minimum").intValue());
    assertEquals(10, props.at("/score/maximum").intValue());
    assertEquals(1, props.at("/tags/minItems").intValue());
    assertEquals(3, props.at("/tags/maxItems").intValue());
    assertTrue(props.at("/tags/items/maxLength").isMissingNode(), "not on the items");
    JsonNode tag = props.at("/tags/items/properties");
    assertEquals(1, tag.at("/name/minLength").intValue(), schema::toString);
    assertEquals(12, tag.at("/name/maxLength").intValue());
    assertEquals(0.5, tag.at("/weight/minimum").doubleValue());
    assertEquals(1, tag.at("/weight/maximum").intValue());
  }

  static Set<String> keywords(ValidationResult<?> result) {
    return result.problems().stream().map(Problem::keyword).collect(Collectors.toSet());
  }

  @Test
  void theConstraintsAreEnforced() {
    JsonValidator<Review> strict = JsonValidator.builder(Review.class)
        .policy(RepairPolicy.strict()).build();
    Review ok = strict.validate("{\"title\":\"Great\",\"score\":7,\"tags\":[{\"name\":\"x\","
        + "\"weight\":1}]}").orElseThrow();
    assertEquals(new Review("Great", 7, List.of(new Tag("x", 1))), ok);
    assertEquals(Set.of("maxLength", "pattern", "maximum", "maxItems"), keywords(strict.validate(
        "{\"title\":\"lowercase and far too long\",\"score\":11,\"tags\":[{\"name\":\"a\","
            + "\"weight\":1},{\"name\":\"b\",\"weight\":1},{\"name\":\"c\",\"weight\":1},"
            + "{\"name\":\"d\",\"weight\":1}]}")));
    assertEquals(Set.of("minimum", "minItems"), keywords(strict.validate(
        "{\"title\":\"A\",\"score\":-1,\"tags\":[]}")));
    assertEquals(Set.of("minLength", "minimum"), keywords(strict.validate(
        "{\"title\":\"A\",\"score\":1,\"tags\":[{\"name\":\"\",\"weight\":0.25}]}")));
  }

  @Test
  void maxItemsDrivesTheCapRepair() {
    ValidationResult<Review> capped = JsonValidator.forRecord(Review.class).validate(
        "{\"title\":\"A\",\"score\":1,\"tags\":[{\"name\":\"a\",\"weight\":1},"
            + "{\"name\":\"b\",\"weight\":1},{\"name\":\"c\",\"weight\":1},"
            + "{\"name\":\"d\",\"weight\":1}]}");
    assertTrue(capped.isValid(), capped::toString);
    assertEquals(3, capped.orElseThrow().tags().size());
    assertEquals(Repair.CAP_ARRAY, capped.changes().get(0).kind());
  }

  record MaxItemsOnAString(@MaxItems(2) String name) {}

  record NegativeLength(@MaxLength(-1) String name) {}

  record BadPattern(@Pattern("[unclosed") String name) {}

  record MinAboveMax(@Minimum(5) @Maximum(1) int n) {}

  record NestedBad(List<MaxItemsOnAString> items) {}

  @Test
  void aMisplacedOrOutOfRangeAnnotationFailsFastNamingTheComponent() {
    assertEquals("MaxItemsOnAString.name: @MaxItems needs a collection or array component",
        assertThrows(IllegalArgumentException.class,
            () -> JsonValidator.forRecord(MaxItemsOnAString.class)).getMessage());
    assertEquals("NegativeLength.name: @MaxLength must be 0 or more: -1",
        assertThrows(IllegalArgumentException.class,
            () -> JsonValidator.forRecord(NegativeLength.class)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> JsonValidator.forRecord(BadPattern.class)).getMessage()
        .startsWith("BadPattern.name: @Pattern is not a regular expression: [unclosed"));
    assertEquals("MinAboveMax.n: @Minimum(5.0) is more than @Maximum(1.0)",
        assertThrows(IllegalArgumentException.class,
            () -> JsonValidator.forRecord(MinAboveMax.class)).getMessage());
    assertEquals("MaxItemsOnAString.name: @MaxItems needs a collection or array component",
        assertThrows(IllegalArgumentException.class,
            () -> JsonValidator.forRecord(NestedBad.class)).getMessage());
  }
}
