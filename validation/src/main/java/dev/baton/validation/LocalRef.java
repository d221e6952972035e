package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Resolves a reference local to one schema document ({@code #} or {@code #/json/pointer},
 * percent-decoded as a URI fragment). Anchors and other documents are not resolved here.
 * Thread-safe (stateless).
 */
final class LocalRef {
  private LocalRef() {
  }

  /** Whether {@code ref} is a local JSON Pointer reference ({@code #} or {@code #/…}). */
  static boolean isPointer(String ref) {
    return ref.equals("#") || ref.startsWith("#/");
  }

  /** The node {@code ref} points to in {@code root}, or null if it is not local or not there. */
  static JsonNode resolve(JsonNode root, String ref) {
    if (!isPointer(ref)) {
      return null;
    }
    String fragment = ref.substring(1);
    if (fragment.isEmpty()) {
      return root;
    }
    try {
      fragment = URLDecoder.decode(fragment.replace("+", "%2B"), StandardCharsets.UTF_8);
      JsonNode target = root.at(fragment);
      return target.isMissingNode() ? null : target;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
