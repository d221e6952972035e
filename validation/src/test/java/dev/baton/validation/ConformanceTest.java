package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official JSON-Schema-Test-Suite, draft 2020-12, run through Baton's strict (report-only)
 * validator. The suite's files are vendored in {@code src/test/resources/json-schema-test-suite}
 * (its {@code SOURCE} names the upstream commit); its {@code remotes/} folder is registered as {@code http://localhost:1234/}, so no
 * test touches the network. Every failure must be listed in {@code conformance-known-failures.txt};
 * a new failure fails the build, and so does a listed failure that now passes.
 */
class ConformanceTest {
  static final String REMOTE_BASE = "http://localhost:1234/";
  /** The required files pass at least this many tests (measured: see the known-failures file). */
  static final int REQUIRED_FLOOR = 1290; // measured 1292 of 1299 with networknt 1.5.9
  static final ObjectMapper MAPPER = new ObjectMapper();

  static Path suite;
  static Map<String, String> remotes;

  @BeforeAll
  static void locateSuite() throws IOException {
    String configured = System.getProperty("baton.jsonSchemaTestSuite");
    suite = configured != null ? Paths.get(configured)
        : Paths.get(System.getProperty("user.dir"), "src", "test", "resources", "json-schema-test-suite");
    suite = suite.toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(suite.resolve("tests/draft2020-12")),
        "JSON-Schema-Test-Suite not found at " + suite
            + " (vendored under validation/src/test/resources/json-schema-test-suite)");
    remotes = new LinkedHashMap<>();
    Path remoteDir = suite.resolve("remotes");
    try (Stream<Path> files = Files.walk(remoteDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        String relative = remoteDir.relativize(file).toString().replace('\\', '/');
        remotes.put(REMOTE_BASE + relative, Files.readString(file));
      }
    }
  }

  @Test
  void draft2020RequiredTests() throws IOException {
    Outcome outcome = run(suite.resolve("tests/draft2020-12"));
    System.out.printf("[conformance] draft2020-12: %d of %d passed%n", outcome.passed, outcome.total);

    Set<String> known = knownFailures();
    Set<String> unexpected = new TreeSet<>(outcome.failures);
    unexpected.removeAll(known);
    Set<String> fixed = new TreeSet<>(known);
    fixed.removeAll(outcome.failures);
    if (!unexpected.isEmpty() || !fixed.isEmpty()) {
      fail("conformance changed. New failures:\n  " + String.join("\n  ", unexpected)
          + "\nListed as failing but now passing (remove from conformance-known-failures.txt):\n  "
          + String.join("\n  ", fixed));
    }
    assertTrue(outcome.passed >= REQUIRED_FLOOR,
        "only " + outcome.passed + " of " + outcome.total + " passed; floor " + REQUIRED_FLOOR);
  }

  /**
   * Baton's own cases, in the suite's format, kept apart from the vendored suite
   * ({@code src/test/resources/dev/baton/validation/conformance-baton}): every one must pass.
   */
  @Test
  void batonsOwnDraft2020Cases() throws IOException {
    Path own = Paths.get(System.getProperty("user.dir"), "src", "test", "resources", "dev",
        "baton", "validation", "conformance-baton");
    Outcome outcome = run(own);
    System.out.printf("[conformance] Baton's own cases: %d of %d passed%n", outcome.passed,
        outcome.total);
    assertTrue(outcome.total >= 20, "Baton's own cases not found under " + own);
    if (!outcome.failures.isEmpty()) {
      fail("Baton's own conformance cases failed:\n  " + String.join("\n  ", outcome.failures));
    }
  }

  @Test
  void draft2020OptionalTestsAreReported() throws IOException {
    Outcome optional = run(suite.resolve("tests/draft2020-12/optional"));
    Outcome format = run(suite.resolve("tests/draft2020-12/optional/format"));
    System.out.printf("[conformance] draft2020-12 optional: %d of %d passed (not required)%n",
        optional.passed, optional.total);
    System.out.printf("[conformance] draft2020-12 optional/format: %d of %d passed (format is an"
        + " annotation in 2020-12; not asserted by default)%n", format.passed, format.total);
    assertTrue(optional.total > 0 && format.total > 0, "no optional tests found under " + suite);
  }

  static Outcome run(Path dir) throws IOException {
    Outcome outcome = new Outcome();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    for (Path file : files) {
      JsonNode groups = MAPPER.readTree(file.toFile());
      for (JsonNode group : groups) {
        String groupName = file.getFileName() + ": " + group.get("description").asText();
        JsonValidator<Object> validator;
        String buildError = null;
        try {
          JsonValidator.Builder<Object> builder = JsonValidator.builder(Object.class)
              .schema(group.get("schema").toString())
              .policy(RepairPolicy.strict());
          remotes.forEach(builder::registerSchema);
          validator = builder.build();
        } catch (RuntimeException e) {
          validator = null;
          buildError = e.toString();
        }
        for (JsonNode test : group.get("tests")) {
          String name = groupName + " / " + test.get("description").asText();
          boolean expected = test.get("valid").asBoolean();
          boolean passed;
          if (validator == null) {
            passed = false;
          } else {
            ValidationResult<Object> result = validator.validate(test.get("data").toString());
            passed = result.isValid() == expected;
          }
          outcome.total++;
          if (passed) {
            outcome.passed++;
          } else {
            outcome.failures.add(name);
            if (buildError != null && Boolean.getBoolean("baton.conformance.verbose")) {
              System.out.println("[conformance] " + name + ": " + buildError);
            }
          }
        }
      }
    }
    return outcome;
  }

  static Set<String> knownFailures() throws IOException {
    Set<String> known = new TreeSet<>();
    try (InputStream in = ConformanceTest.class.getResourceAsStream("conformance-known-failures.txt")) {
      if (in == null) {
        return known;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          known.add(line.strip());
        }
      }
    }
    return known;
  }

  static final class Outcome {
    int passed;
    int total;
    final List<String> failures = new ArrayList<>();
  }
}
