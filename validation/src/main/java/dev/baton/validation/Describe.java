package dev.baton.validation;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

/** Short, human-readable descriptions of values for {@link Change}s. Thread-safe (stateless). */
final class Describe {
  private static final int MAX = 80;

  private Describe() {
  }

  /** A string as a JSON literal with escapes (control and bidi characters show as such). */
  static String string(String s) {
    String shown = s.length() > MAX ? s.substring(0, MAX) : s;
    StringBuilder b = new StringBuilder("\"");
    for (char c : JsonStringEncoder.getInstance().quoteAsString(shown)) {
      if (c >= 0x7F && (c <= 0x9F || Character.getType(c) == Character.FORMAT
          || Character.isSurrogate(c))) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
    return s.length() > MAX ? b.append("…").toString() : b.toString();
  }

  static String value(JsonNode node) {
    if (node.isTextual()) {
      return string(node.textValue());
    }
    if (node.isObject()) {
      return "an object of " + node.size() + (node.size() == 1 ? " member" : " members");
    }
    if (node.isArray()) {
      return items(node.size());
    }
    return node.toString();
  }

  static String items(int n) {
    return n + (n == 1 ? " item" : " items");
  }

  static final String REMOVED = "(removed)";
}
