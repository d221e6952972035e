package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Builders fail fast naming the bad value; a built validator is shared safely. */
class BuilderTest {
  static void assertMessage(String expected, Runnable r) {
    RuntimeException e = assertThrows(RuntimeException.class, r::run);
    assertTrue(e.getMessage().contains(expected), () -> "message: " + e.getMessage());
  }

  @Test
  void limitsNameTheBadValue() {
    assertMessage("maxInputBytes must be positive: 0", () -> Limits.builder().maxInputBytes(0));
    assertMessage("maxDepth must be between 1 and 1000: 1001", () -> Limits.builder().maxDepth(1001));
    assertMessage("maxDepth must be between 1 and 1000: 0", () -> Limits.builder().maxDepth(0));
    assertMessage("maxStringLength must be positive: -1", () -> Limits.builder().maxStringLength(-1));
    assertMessage("maxNumberLength must be positive: 0", () -> Limits.builder().maxNumberLength(0));
  }

  @Test
  void validatorBuilderNamesTheBadValue() {
    assertMessage("only from a record class: java.lang.String", () -> JsonValidator.forRecord(String.class));
    assertMessage("the schema string is not JSON", () -> JsonValidator.forSchema("{nope", Object.class));
    assertMessage("schema resource not found: no/such.json",
        () -> JsonValidator.builder(Object.class).schemaResource("no/such.json"));
    assertMessage("uri must be absolute, without a fragment: relative.json",
        () -> JsonValidator.builder(Object.class).registerSchema("relative.json", "{}"));
    assertMessage("uri must be absolute, without a fragment: http://x/a.json#frag",
        () -> JsonValidator.builder(Object.class).registerSchema("http://x/a.json#frag", "{}"));
    assertMessage("registered schema http://x/a.json is not JSON",
        () -> JsonValidator.builder(Object.class).registerSchema("http://x/a.json", "[1"));
    assertMessage("a schema must be an object or a boolean", () -> JsonValidator.forSchema("12", Object.class));
    assertMessage("repairs contains null", () -> RepairPolicy.of(Repair.CAP_ARRAY, null));
  }

  @Test
  void oneValidatorServesManyThreadsWithTheSameAnswers() throws Exception {
    JsonValidator<Recommendations> v = RecommenderTest.VALIDATOR;
    String expected = v.validate(RecommenderTest.ANSWER).toString();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          int same = 0;
          for (int i = 0; i < 200; i++) {
            if (v.validate(RecommenderTest.ANSWER).toString().equals(expected)) {
              same++;
            }
          }
          return same;
        }));
      }
      int same = 0;
      for (Future<Integer> f : futures) {
        same += f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(8 * 200, same, "results that differed from the single-threaded one: " + (1600 - same));
    } finally {
      pool.shutdownNow();
    }
  }
}
