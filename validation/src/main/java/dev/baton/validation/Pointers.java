package dev.baton.validation;

import java.util.ArrayList;
import java.util.List;

/** JSON Pointer (RFC 6901) helpers. Thread-safe (stateless). */
final class Pointers {
  private Pointers() {
  }

  static String child(String pointer, String key) {
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  static String child(String pointer, int index) {
    return pointer + "/" + index;
  }

  /** The unescaped tokens of a pointer; {@code ""} has none. */
  static List<String> tokens(String pointer) {
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    int start = pointer.startsWith("/") ? 1 : 0;
    for (String t : pointer.substring(start).split("/", -1)) {
      tokens.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }
}
