package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Baton's compiled checks ({@link SchemaCompiler}) against networknt, the reference: every
 * schema of the conformance data the module ships (the vendored JSON-Schema-Test-Suite, all of
 * its draft2020-12 folders, Baton's own cases, the recommender's schema) that compiles is
 * checked both ways on each test instance and on instances mutated from it (members removed,
 * added, retyped; items dropped, duplicated, appended; numbers and strings nudged across
 * bounds). The two must report the same violations: the same set of (JSON Pointer, keyword),
 * since the repairs act on the pointers. On the same instances, the pre-check that skips the
 * member repairs ({@link CompiledSchema#mayRepairMembers}) must not skip any repair
 * {@link SchemaRepairer} would make. Mutations are generated from a fixed seed.
 */
class CompiledChecksDifferentialTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final int MUTANTS_PER_INSTANCE = 80;

  static Map<String, String> remotes;

  @BeforeAll
  static void remotes() throws IOException {
    ConformanceTest.locateSuite();
    remotes = ConformanceTest.remotes;
  }

  @Test
  void compiledChecksReportWhatNetworkntReports() throws IOException {
    Tally tally = new Tally();
    Path tests = ConformanceTest.suite.resolve("tests/draft2020-12");
    for (Path dir : List.of(tests, tests.resolve("optional"), tests.resolve("optional/format"),
        Paths.get(System.getProperty("user.dir"), "src/test/resources/dev/baton/validation/conformance-baton"))) {
      try (Stream<Path> list = Files.list(dir)) {
        for (Path file : list.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
          for (JsonNode group : MAPPER.readTree(file.toFile())) {
            List<JsonNode> instances = new ArrayList<>();
            group.get("tests").forEach(t -> instances.add(t.get("data")));
            compare(file.getFileName() + ": " + group.get("description").asText(),
                group.get("schema"), instances, MUTANTS_PER_INSTANCE, tally);
          }
        }
      }
    }
    try (InputStream in = getClass().getResourceAsStream("recommendations.schema.json")) {
      compare("recommendations.schema.json", MAPPER.readTree(in),
          List.of(MAPPER.readTree(RecommenderTest.ANSWER.substring(
              RecommenderTest.ANSWER.indexOf('{'), RecommenderTest.ANSWER.lastIndexOf('}') + 1))),
          2_000, tally);
    }
    System.out.printf("[differential] %d schemas compiled (%d left to networknt), %d instances"
        + " compared (%d invalid, %d with member repairs to make), %d disagreements%n",
        tally.compiledSchemas, tally.fallbacks, tally.instances, tally.invalid, tally.repaired,
        tally.disagreements.size());
    if (!tally.disagreements.isEmpty()) {
      fail(tally.disagreements.size() + " disagreement(s) with networknt, the first ones:\n  "
          + String.join("\n  ", tally.disagreements.subList(0, Math.min(20, tally.disagreements.size()))));
    }
    assertTrue(tally.compiledSchemas >= 100, "only " + tally.compiledSchemas + " schemas compiled (measured 109)");
    assertTrue(tally.instances >= 8_500, "only " + tally.instances + " instances compared (measured 9,001)");
    assertTrue(tally.invalid >= tally.instances / 4, "too few invalid instances: " + tally.invalid);
    assertTrue(tally.repaired >= 400, "too few instances with member repairs (measured 559): " + tally.repaired);
  }

  static void compare(String name, JsonNode rawSchema, List<JsonNode> instances, int mutants,
      Tally tally) {
    JsonNode schema = Numbers.canonicalTree(rawSchema.deepCopy());
    CompiledSchema compiled;
    try {
      compiled = CompiledSchema.of(schema, remotes);
    } catch (RuntimeException e) {
      tally.fallbacks++; // not compiled, and networknt cannot build it either
      return;
    }
    if (!compiled.isCompiled()) {
      tally.fallbacks++;
      return;
    }
    tally.compiledSchemas++;
    CompiledSchema reference;
    try {
      reference = CompiledSchema.networknt(schema, remotes);
    } catch (RuntimeException e) {
      tally.disagreements.add(name + ": compiled, but networknt refuses it: " + e);
      return;
    }
    Random random = new Random(name.hashCode());
    for (JsonNode original : instances) {
      for (JsonNode instance : mutants(original, random, mutants)) {
        JsonNode doc = Numbers.canonicalTree(instance.deepCopy());
        Set<String> ours = located(compiled.validate(doc));
        Set<String> theirs = new TreeSet<>();
        // networknt writes a key's control characters JSON-escaped into the pointer; RFC 6901
        // (and Baton's pointers) keep them as they are.
        located(reference.validate(doc)).forEach(p -> theirs.add(p.replace("\\n", "\n")
            .replace("\\r", "\r").replace("\\t", "\t").replace("\\f", "\f")));
        tally.instances++;
        if (!theirs.isEmpty()) {
          tally.invalid++;
        }
        checkRepairPreCheck(name, schema, compiled, doc, tally);
        if (!ours.equals(theirs)) {
          tally.disagreements.add(name + ": instance " + instance + ": compiled " + ours
              + ", networknt " + theirs);
        }
      }
    }
  }

  /**
   * The pre-check that lets the validator skip the member repairs must never say "nothing to
   * repair" where {@link SchemaRepairer} would change something.
   */
  static void checkRepairPreCheck(String name, JsonNode schema, CompiledSchema compiled,
      JsonNode doc, Tally tally) {
    Set<Repair> members = java.util.EnumSet.of(Repair.DROP_UNKNOWN_KEY, Repair.DROP_NULL_OPTIONAL);
    Capped<Change> changes = new Capped<>();
    new SchemaRepairer(schema).repair(doc.deepCopy(), members, changes);
    if (changes.total() > 0) {
      tally.repaired++;
      if (!compiled.mayRepairMembers(doc, members)) {
        tally.disagreements.add(name + ": instance " + doc + ": the pre-check skips "
            + changes.kept());
      }
    }
  }

  static Set<String> located(List<Problem> problems) {
    Set<String> located = new TreeSet<>();
    problems.forEach(p -> located.add(p.keyword() + " at '" + p.pointer() + "'"));
    return located;
  }

  /** The instance itself and up to {@code max} mutants of it. */
  static List<JsonNode> mutants(JsonNode original, Random random, int max) {
    Set<JsonNode> all = new LinkedHashSet<>();
    all.add(original);
    List<JsonNode> candidates = new ArrayList<>();
    mutateAt(original, original, candidates);
    for (JsonNode value : replacements()) {
      candidates.add(value); // the whole instance replaced
    }
    while (all.size() <= max && !candidates.isEmpty()) {
      all.add(candidates.remove(random.nextInt(candidates.size())));
    }
    return new ArrayList<>(all);
  }

  /** Adds, for every container in {@code root} at {@code node}, copies of root mutated there. */
  private static void mutateAt(JsonNode root, JsonNode node, List<JsonNode> out) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        out.add(edited(root, node, copy -> ((ObjectNode) copy).remove(name)));
        for (JsonNode value : replacements()) {
          out.add(edited(root, node, copy -> ((ObjectNode) copy).set(name, value)));
        }
        for (JsonNode value : nudged(node.get(name))) {
          out.add(edited(root, node, copy -> ((ObjectNode) copy).set(name, value)));
        }
        mutateAt(root, node.get(name), out);
      }
      out.add(edited(root, node, copy -> ((ObjectNode) copy).put("extra", 1)));
      out.add(edited(root, node, copy -> ((ObjectNode) copy).putNull("foo")));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        int index = i;
        out.add(edited(root, node, copy -> ((ArrayNode) copy).remove(index)));
        for (JsonNode value : nudged(node.get(i))) {
          out.add(edited(root, node, copy -> ((ArrayNode) copy).set(index, value)));
        }
        mutateAt(root, node.get(i), out);
      }
      if (!node.isEmpty()) {
        out.add(edited(root, node, copy -> ((ArrayNode) copy).add(copy.get(0).deepCopy())));
      }
      out.add(edited(root, node, copy -> ((ArrayNode) copy).addNull()));
      out.add(edited(root, node, copy -> ((ArrayNode) copy).add("x")));
    }
  }

  /** A deep copy of {@code root} with {@code edit} applied to the copy of {@code target}. */
  private static JsonNode edited(JsonNode root, JsonNode target,
      java.util.function.Consumer<JsonNode> edit) {
    JsonNode copy = root.deepCopy();
    JsonNode at = find(root, copy, target);
    edit.accept(at);
    return copy;
  }

  private static JsonNode find(JsonNode original, JsonNode copy, JsonNode target) {
    if (original == target) {
      return copy;
    }
    if (original.isObject()) {
      for (java.util.Iterator<String> it = original.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        JsonNode found = find(original.get(name), copy.get(name), target);
        if (found != null) {
          return found;
        }
      }
    } else if (original.isArray()) {
      for (int i = 0; i < original.size(); i++) {
        JsonNode found = find(original.get(i), copy.get(i), target);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  static List<JsonNode> replacements() {
    return List.of(NODES.nullNode(), NODES.booleanNode(true), NODES.numberNode(0),
        NODES.numberNode(1.5), NODES.numberNode(-1), NODES.numberNode(10_000_000_000L),
        NODES.textNode(""), NODES.textNode("x"), NODES.arrayNode(), NODES.objectNode());
  }

  /** Values next to {@code value}: across a bound it may be near. */
  static List<JsonNode> nudged(JsonNode value) {
    List<JsonNode> out = new ArrayList<>();
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      out.add(NODES.numberNode(value.longValue() + 1));
      out.add(NODES.numberNode(value.longValue() - 1));
      out.add(NODES.numberNode(value.longValue() + 0.5));
      out.add(NODES.numberNode((double) value.longValue()));
    } else if (value.isNumber()) {
      out.add(NODES.numberNode(value.doubleValue() + 1));
      out.add(NODES.numberNode(value.doubleValue() - 0.0001));
      out.add(NODES.numberNode(value.decimalValue().add(java.math.BigDecimal.ONE)));
    } else if (value.isTextual()) {
      String s = value.textValue();
      out.add(NODES.textNode(s + "a"));
      out.add(NODES.textNode(s + "\uD83D\uDCA9"));
      out.add(NODES.textNode(s.isEmpty() ? "" : s.substring(1)));
    }
    return out;
  }

  static final class Tally {
    int compiledSchemas;
    int fallbacks;
    int instances;
    int invalid;
    int repaired;
    final List<String> disagreements = new ArrayList<>();
  }
}
