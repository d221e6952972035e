package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: each case must come back as an input problem, in bounded time, and never as a
 * StackOverflowError or OutOfMemoryError (either would fail the test as an error).
 */
class BadInputTest {
  static final JsonValidator<Object> ANY = JsonValidator.forSchema("{}", Object.class);
  /** Generous for a loaded 2-core machine; each case takes milliseconds. */
  static final Duration BOUND = Duration.ofSeconds(3);

  static ValidationResult<Object> timed(String what, Supplier<ValidationResult<Object>> run) {
    long start = System.nanoTime();
    ValidationResult<Object> result = run.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("[bad-input] %s: %d ms: %s%n", what, took.toMillis(), result.problems());
    assertTrue(took.compareTo(BOUND) < 0, what + " took " + took);
    return result;
  }

  static void assertInputProblem(ValidationResult<Object> result, String expected) {
    assertFalse(result.isValid());
    assertTrue(result.value().isEmpty());
    assertEquals(1, result.problems().size(), () -> "problems: " + result.problems());
    Problem p = result.problems().get(0);
    assertEquals(Problem.INPUT, p.keyword());
    assertTrue(p.message().contains(expected), () -> "message: " + p.message());
  }

  @Test
  void fiftyMegabytesAreRejectedBySizeBeforeParsing() {
    char[] chars = new char[50 * 1024 * 1024];
    Arrays.fill(chars, 'a');
    chars[0] = '"';
    chars[chars.length - 1] = '"';
    String text = new String(chars);
    assertInputProblem(timed("50 MB string", () -> ANY.validate(text)), "more than maxInputBytes 1048576");

    byte[] bytes = new byte[50 * 1024 * 1024];
    assertInputProblem(timed("50 MB bytes", () -> ANY.validate(bytes)), "more than maxInputBytes 1048576");
  }

  @Test
  void oneByteOverTheLimitCountsInUtf8() {
    JsonValidator<Object> small = JsonValidator.builder(Object.class).schema("{}")
        .limits(Limits.builder().maxInputBytes(10).build()).build();
    assertTrue(small.validate("\"12345678\"").isValid()); // 10 bytes
    // 9 chars but 11 bytes: é is two bytes in UTF-8
    assertInputProblem(small.validate("\"é1234567\""), "is 11 bytes, more than maxInputBytes 10");
  }

  @Test
  void nestingDepthOfOneHundredThousandStopsAtTheLimit() {
    String arrays = "[".repeat(100_000) + "]".repeat(100_000);
    assertInputProblem(timed("depth 100,000 arrays", () -> ANY.validate(arrays)), "deeper than maxDepth 64");

    String objects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    assertInputProblem(timed("depth 100,000 objects", () -> ANY.validate(objects)), "deeper than maxDepth 64");

    String inProse = "Here you go: " + arrays + " hope it helps";
    assertInputProblem(timed("depth 100,000 in prose", () -> ANY.validate(inProse)), "deeper than maxDepth 64");

    String unclosed = "[".repeat(100_000);
    assertInputProblem(timed("depth 100,000 unclosed", () -> ANY.validate(unclosed)), "deeper than maxDepth 64");
  }

  @Test
  void depthAtTheLimitIsAccepted() {
    String deepest = "[".repeat(64) + "]".repeat(64);
    assertTrue(ANY.validate(deepest).isValid());
    assertInputProblem(ANY.validate("[" + deepest + "]"), "deeper than maxDepth 64");
  }

  @Test
  void invalidUtf8IsAnErrorWithItsOffset() {
    byte[] bytes = "{\"a\": \"xx\"}".getBytes(StandardCharsets.US_ASCII);
    bytes[7] = (byte) 0xC3; // a two-byte lead
    bytes[8] = (byte) 0x28; // not a continuation byte
    assertInputProblem(timed("invalid UTF-8", () -> ANY.validate(bytes)), "not valid UTF-8: 1 bad byte(s) at byte offset 7");

    byte[] truncated = Arrays.copyOf("\"ab\u00e9".getBytes(StandardCharsets.UTF_8), 4);
    assertInputProblem(ANY.validate(truncated), "not valid UTF-8");

    assertTrue(ANY.validate("{\"a\": \"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8)).isValid());
  }

  @Test
  void hugeNumbersAreRefused() {
    String longInteger = "{\"n\": " + "9".repeat(100_000) + "}";
    assertInputProblem(timed("100,000-digit integer", () -> ANY.validate(longInteger)), "longer than maxNumberLength 100");

    assertInputProblem(timed("1e400", () -> ANY.validate("{\"n\": 1e400}")), "too large for a double");
    assertInputProblem(timed("-1e999999999", () -> ANY.validate("[-1e999999999]")), "too large for a double");

    assertTrue(ANY.validate("{\"n\": 1e300}").isValid());
    assertTrue(ANY.validate("{\"n\": " + "9".repeat(100) + "}").isValid());
  }

  @Test
  void duplicateKeysAreAnError() {
    assertInputProblem(timed("duplicate keys", () -> ANY.validate("{\"a\": 1, \"a\": 2}")), "duplicate key: 'a'");
    assertInputProblem(ANY.validate("Answer: ```json\n{\"x\": {\"b\": 1, \"b\": 1}}\n```"), "duplicate key");
  }

  @Test
  void longStringsAreRefusedExactlyAtTheLimit() {
    JsonValidator<Object> v = JsonValidator.builder(Object.class).schema("{}")
        .limits(Limits.builder().maxStringLength(1000).build()).build();
    assertTrue(v.validate("[\"" + "x".repeat(1000) + "\"]").isValid());
    ValidationResult<Object> over = v.validate("[\"" + "x".repeat(1001) + "\"]");
    assertInputProblem(over, "longer than maxStringLength 1000");
    assertInputProblem(v.validate("[\"" + "x".repeat(500_000) + "\"]"), "longer than maxStringLength 1000");
  }

  @Test
  void garbageIsNotJson() {
    assertInputProblem(ANY.validate(""), "no JSON value found");
    assertInputProblem(ANY.validate("I cannot help with that."), "no JSON value found");
    assertInputProblem(ANY.validate("{\"movies\": [1, 2"), "not JSON");
    assertInputProblem(ANY.validate("\u0000\u0001\u0002"), "no JSON value found");
  }
}
