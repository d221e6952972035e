package dev.baton.benchmarks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.baton.validation.JsonValidator;
import dev.baton.validation.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Validating a ~2 KB recommender answer (prose, a code fence, ten titles), one thread:
 * {@code batonValid} for a clean answer, {@code batonRepairing} for one that needs every repair
 * (an unknown key, a bidi-laced title, an item without its id, an array over maxItems), against
 * the floor {@code rawJacksonNetworknt}: Jackson parse + networknt validate + bind of the same
 * clean JSON, with no extraction, limits or repair.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ValidationBenchmark {

  public record Recommendations(List<Title> movies, List<Title> tvshows) {
  }

  public record Title(String title, @JsonProperty("tmdb_id") long tmdbId, String explanation) {
  }

  static final String SCHEMA = """
      {"type": "object", "required": ["movies", "tvshows"], "additionalProperties": false,
       "properties": {
         "movies": {"type": "array", "maxItems": 5, "items": {"$ref": "#/$defs/title"}},
         "tvshows": {"type": "array", "maxItems": 5, "items": {"$ref": "#/$defs/title"}}},
       "$defs": {"title": {"type": "object", "required": ["title", "tmdb_id", "explanation"],
         "additionalProperties": false,
         "properties": {"title": {"type": "string", "minLength": 1, "maxLength": 200},
                        "tmdb_id": {"type": "integer", "minimum": 1},
                        "explanation": {"type": "string", "maxLength": 1000}}}}}""";

  private JsonValidator<Recommendations> validator;
  private String clean;
  private String cleanJson;
  private String flawed;
  private JsonSchema rawSchema;
  private ObjectMapper rawMapper;

  static String title(String name, long id) {
    return "{\"title\": \"" + name + "\", \"tmdb_id\": " + id + ", \"explanation\": \"A tense, "
        + "character-driven crime story with a patient pace, which matches the titles you rated highly"
        + " last week, with strong leads.\"}";
  }

  static String answer(String movies, String tvshows) {
    return "Here are tonight's recommendations, picked from your history:\n\n```json\n"
        + "{\"movies\": [" + movies + "],\n \"tvshows\": [" + tvshows + "]}\n```\nEnjoy!";
  }

  @Setup
  public void setUp() {
    validator = JsonValidator.builder(Recommendations.class).schema(SCHEMA).build();
    String movies = String.join(",\n  ", title("Heat", 949), title("Ronin", 8195),
        title("Collateral", 1538), title("Thief", 11524), title("Sicario", 273481));
    String shows = String.join(",\n  ", title("Crime Story", 2363), title("The Wire", 1438),
        title("Miami Vice", 1908), title("Luther", 1426), title("Bosch", 60625));
    clean = answer(movies, shows);
    cleanJson = "{\"movies\": [" + movies + "], \"tvshows\": [" + shows + "]}";
    flawed = answer("{\"title\": \" \\u202eHeat\\u0007\", \"tmdb_id\": 949, \"explanation\": \"x\", \"rating\": 9},"
        + "{\"title\": \"No id\", \"explanation\": \"x\"}," + movies, shows);
    if (clean.getBytes(StandardCharsets.UTF_8).length < 1950) {
      throw new IllegalStateException("the answer should be about 2 KB: " + clean.length());
    }
    if (clean.getBytes(StandardCharsets.UTF_8).length > 2150) {
      throw new IllegalStateException("the answer should be about 2 KB: " + clean.length());
    }
    ValidationResult<Recommendations> c = validator.validate(clean);
    ValidationResult<Recommendations> f = validator.validate(flawed);
    if (!c.isValid() || !c.changes().isEmpty() || !f.isValid() || f.changes().size() != 4) {
      throw new IllegalStateException("unexpected results: " + c + " / " + f);
    }
    rawSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SCHEMA);
    rawMapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
  }

  @Benchmark
  public Recommendations batonValid() {
    return validator.validate(clean).orElseThrow();
  }

  @Benchmark
  public Recommendations batonRepairing() {
    return validator.validate(flawed).orElseThrow();
  }

  @Benchmark
  public Recommendations rawJacksonNetworknt() throws Exception {
    JsonNode node = rawMapper.readTree(cleanJson);
    if (!rawSchema.validate(node).isEmpty()) {
      throw new IllegalStateException("invalid");
    }
    return rawMapper.treeToValue(node, Recommendations.class);
  }
}
