package dev.baton.validation;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Run in a JVM of its own by {@link MemoryBoundTest} (under {@code -Xmx256m}): validates hostile
 * inputs of about 1 MB and prints one line per case, {@code case <name> bytes=… millis=… valid=…
 * problems=… listedProblems=… changes=… listedChanges=…}. An {@code OutOfMemoryError} ends the
 * JVM with a non-zero exit code.
 */
final class HostileInputs {
  private HostileInputs() {
  }

  /** A 100,000-character key (the default maxStringLength) holding an array of items. */
  static String longKeyArray(String item, int targetBytes) {
    String key = "k".repeat(100_000);
    StringBuilder json = new StringBuilder(targetBytes + 64).append("{\"").append(key)
        .append("\": [");
    int items = 0;
    while (json.length() + item.length() + 3 < targetBytes) {
      json.append(items++ == 0 ? "" : ",").append(item);
    }
    return json.append("]}").toString();
  }

  static String emptyItems(int targetBytes) {
    StringBuilder json = new StringBuilder(targetBytes + 64).append("{\"items\": [");
    int items = 0;
    while (json.length() + 4 < targetBytes) {
      json.append(items++ == 0 ? "" : ",").append("{}");
    }
    return json.append("]}").toString();
  }

  public static void main(String[] args) {
    String keepsUnknownKeys = "{\"type\":\"object\"}";
    String itemsWithRequired = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
        + "\"items\":{\"type\":\"object\",\"required\":[\"a\",\"b\",\"c\"]}}}}";
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("longKeyZeros220k", new String[] {keepsUnknownKeys, longKeyArray("0", 220_000)});
    cases.put("longKeyZeros1m", new String[] {keepsUnknownKeys, longKeyArray("0", 1_000_000)});
    cases.put("longKeySanitized1m",
        new String[] {keepsUnknownKeys, longKeyArray("\" a\"", 1_000_000)});
    cases.put("emptyItemsStrict150k", new String[] {itemsWithRequired, emptyItems(150_000)});
    for (Map.Entry<String, String[]> c : cases.entrySet()) {
      boolean strict = c.getKey().contains("Strict");
      JsonValidator<Object> validator = JsonValidator.builder(Object.class)
          .schema(c.getValue()[0])
          .policy(strict ? RepairPolicy.strict() : RepairPolicy.all())
          .build();
      String input = c.getValue()[1];
      long start = System.nanoTime();
      ValidationResult<Object> result = validator.validate(input);
      long millis = (System.nanoTime() - start) / 1_000_000;
      Runtime rt = Runtime.getRuntime();
      System.out.println("case " + c.getKey() + " bytes="
          + input.getBytes(StandardCharsets.UTF_8).length + " millis=" + millis
          + " valid=" + result.isValid() + " problems=" + result.problemCount()
          + " listedProblems=" + result.problems().size() + " changes=" + result.changeCount()
          + " listedChanges=" + result.changes().size()
          + " usedHeapMb=" + (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
    }
  }
}
