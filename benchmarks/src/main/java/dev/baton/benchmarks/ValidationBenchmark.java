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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Validating a ~2 KB recommender answer (prose, a code fence, ten titles), one thread.
 *
 * <p>Steady state (throughput, after warm-up): {@code batonValid} for a clean answer,
 * {@code batonRepairing} for one that needs every repair (an unknown key, a bidi-laced title, an
 * item without its id, an array over maxItems), against the peer {@code rawJacksonNetworknt}:
 * Jackson parse + networknt validate + bind of the same clean JSON, with no extraction, limits
 * or repair.
 *
 * <p>The first second (single shot, time to build and do {@value #FIRST} validations; at most
 * 1,000 ms is at least 20k/s in the first second): {@code batonFirst20k} and its peer
 * {@code rawFirst20k} each run in a fresh JVM (every fork is a new JVM and the measured call is
 * its first: nothing of Jackson, networknt or Baton has been loaded or compiled before it; the
 * clock starts after the JVM and JMH have started). {@code batonFresh20kWarmJvm} is the same
 * call in a JVM that has already run it: a fresh validator (its schema compiled, its record
 * binding resolved anew) with the JIT warm.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class ValidationBenchmark {
  /** Validations per single shot: 20,000 within 1 s is the goal of issue 16 item 12. */
  static final int FIRST = 20_000;

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

  static String title(String name, long id) {
    return "{\"title\": \"" + name + "\", \"tmdb_id\": " + id + ", \"explanation\": \"A tense, "
        + "character-driven crime story with a patient pace, which matches the titles you rated highly"
        + " last week, with strong leads.\"}";
  }

  static String answer(String movies, String tvshows) {
    return "Here are tonight's recommendations, picked from your history:\n\n```json\n"
        + "{\"movies\": [" + movies + "],\n \"tvshows\": [" + tvshows + "]}\n```\nEnjoy!";
  }

  /** The answers, as plain strings: making them loads nothing of Jackson, networknt or Baton. */
  @State(Scope.Thread)
  public static class Answers {
    String clean;
    String cleanJson;
    String flawed;

    @Setup
    public void setUp() {
      String movies = String.join(",\n  ", title("Heat", 949), title("Ronin", 8195),
          title("Collateral", 1538), title("Thief", 11524), title("Sicario", 273481));
      String shows = String.join(",\n  ", title("Crime Story", 2363), title("The Wire", 1438),
          title("Miami Vice", 1908), title("Luther", 1426), title("Bosch", 60625));
      clean = answer(movies, shows);
      cleanJson = "{\"movies\": [" + movies + "], \"tvshows\": [" + shows + "]}";
      flawed = answer("{\"title\": \" \\u202eHeat\\u0007\", \"tmdb_id\": 949, \"explanation\": \"x\", \"rating\": 9},"
          + "{\"title\": \"No id\", \"explanation\": \"x\"}," + movies, shows);
      int bytes = clean.getBytes(StandardCharsets.UTF_8).length;
      if (bytes < 1950 || bytes > 2150) {
        throw new IllegalStateException("the answer should be about 2 KB: " + bytes);
      }
    }
  }

  /** A validator and the raw peer, built and checked once per fork. */
  @State(Scope.Benchmark)
  public static class Steady {
    JsonValidator<Recommendations> validator;
    JsonSchema rawSchema;
    ObjectMapper rawMapper;

    @Setup
    public void setUp() {
      Answers answers = new Answers();
      answers.setUp();
      validator = buildValidator();
      ValidationResult<Recommendations> c = validator.validate(answers.clean);
      ValidationResult<Recommendations> f = validator.validate(answers.flawed);
      if (!c.isValid() || !c.changes().isEmpty() || !f.isValid() || f.changes().size() != 4) {
        throw new IllegalStateException("unexpected results: " + c + " / " + f);
      }
      rawSchema = rawSchema();
      rawMapper = rawMapper();
    }
  }

  static JsonValidator<Recommendations> buildValidator() {
    return JsonValidator.builder(Recommendations.class).schema(SCHEMA).build();
  }

  static JsonSchema rawSchema() {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SCHEMA);
  }

  static ObjectMapper rawMapper() {
    return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
  }

  static Recommendations raw(ObjectMapper mapper, JsonSchema schema, String json) throws Exception {
    JsonNode node = mapper.readTree(json);
    if (!schema.validate(node).isEmpty()) {
      throw new IllegalStateException("invalid");
    }
    return mapper.treeToValue(node, Recommendations.class);
  }

  @Benchmark
  public Recommendations batonValid(Steady s, Answers a) {
    return s.validator.validate(a.clean).orElseThrow();
  }

  @Benchmark
  public Recommendations batonRepairing(Steady s, Answers a) {
    return s.validator.validate(a.flawed).orElseThrow();
  }

  @Benchmark
  public Recommendations rawJacksonNetworknt(Steady s, Answers a) throws Exception {
    return raw(s.rawMapper, s.rawSchema, a.cleanJson);
  }

  /** A fresh JVM: build a validator and validate {@value #FIRST} clean answers. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(5)
  public void batonFirst20k(Answers a, Blackhole bh) {
    first20k(a, bh);
  }

  /** The peer in a fresh JVM: build networknt's schema and a mapper, then {@value #FIRST} raw validations. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(5)
  public void rawFirst20k(Answers a, Blackhole bh) throws Exception {
    ObjectMapper mapper = rawMapper();
    JsonSchema schema = rawSchema();
    for (int i = 0; i < FIRST; i++) {
      bh.consume(raw(mapper, schema, a.cleanJson));
    }
  }

  /** A fresh validator in a JVM that has run this before (each iteration builds its own). */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 10)
  @Measurement(iterations = 10)
  @Fork(3)
  public void batonFresh20kWarmJvm(Answers a, Blackhole bh) {
    first20k(a, bh);
  }

  private static void first20k(Answers a, Blackhole bh) {
    JsonValidator<Recommendations> validator = buildValidator();
    for (int i = 0; i < FIRST; i++) {
      bh.consume(validator.validate(a.clean).orElseThrow());
    }
  }
}
