package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hostile inputs of up to 1 MB validate within a 256 MB heap: {@link HostileInputs} runs in a
 * JVM of its own started with {@code -Xmx256m}, so an {@code OutOfMemoryError} fails this test
 * instead of the build's JVM. The times are printed, not asserted (only a 30 s hang guard per
 * case).
 */
class MemoryBoundTest {

  @Test
  void hostileInputsOfAMegabyteValidateInA256MbHeap() throws Exception {
    Path out = Files.createTempFile("baton-hostile", ".txt");
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        HostileInputs.class.getName())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    boolean ended = process.waitFor(180, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    System.out.println("[memory] -Xmx256m:\n" + output);
    assertTrue(ended, "the validating JVM did not end within 180 s:\n" + output);
    assertEquals(0, process.exitValue(), "the validating JVM failed (out of memory?):\n" + output);

    Map<String, Map<String, String>> cases = parse(output);
    for (Map<String, String> c : cases.values()) {
      assertTrue(Long.parseLong(c.get("millis")) < 30_000, "hang guard: " + c);
      assertTrue(Integer.parseInt(c.get("listedProblems")) <= ValidationResult.MAX_LISTED, c::toString);
      assertTrue(Integer.parseInt(c.get("listedChanges")) <= ValidationResult.MAX_LISTED, c::toString);
    }
    assertEquals("true", cases.get("longKeyZeros220k").get("valid"));
    assertEquals("true", cases.get("longKeyZeros1m").get("valid"));
    assertTrue(Integer.parseInt(cases.get("longKeyZeros1m").get("bytes")) > 990_000);
    Map<String, String> sanitized = cases.get("longKeySanitized1m");
    assertEquals("true", sanitized.get("valid"));
    assertTrue(Integer.parseInt(sanitized.get("changes")) > 150_000, sanitized::toString);
    assertEquals(String.valueOf(ValidationResult.MAX_LISTED), sanitized.get("listedChanges"));
    Map<String, String> empty = cases.get("emptyItemsStrict150k");
    assertEquals("false", empty.get("valid"));
    assertTrue(Integer.parseInt(empty.get("problems")) > 100_000, empty::toString); // 3 per item
    assertEquals(String.valueOf(ValidationResult.MAX_LISTED), empty.get("listedProblems"));
  }

  private static Map<String, Map<String, String>> parse(String output) throws IOException {
    Map<String, Map<String, String>> cases = new HashMap<>();
    for (String line : output.split("\n")) {
      if (!line.startsWith("case ")) {
        continue;
      }
      List<String> parts = List.of(line.trim().split(" "));
      Map<String, String> values = new HashMap<>();
      for (String part : parts.subList(2, parts.size())) {
        int eq = part.indexOf('=');
        values.put(part.substring(0, eq), part.substring(eq + 1));
      }
      cases.put(parts.get(1), values);
    }
    assertEquals(4, cases.size(), "cases reported:\n" + output);
    return cases;
  }
}
