package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds the JSON value in a model's answer: the whole text if it is JSON; else the first
 * Markdown code fence whose content holds JSON; else the first balanced {@code {…}} or
 * {@code […]} span of the text that parses. Brace matching skips string literals, and at most
 * {@value #MAX_ATTEMPTS} spans are tried, each in one linear scan, so the cost stays bounded by
 * a small multiple of the (already size-checked) input. Thread-safe (stateless).
 */
final class JsonExtractor {
  static final int MAX_ATTEMPTS = 8;
  private static final String FENCE = "```";

  private final BoundedJsonReader reader;

  JsonExtractor(BoundedJsonReader reader) {
    this.reader = reader;
  }

  JsonNode extract(String text) throws InputRejected {
    InputRejected wholeTextError = null;
    if (startsLikeJson(text)) { // prose is not parsed whole: a failed parse costs an exception
      try {
        return reader.parse(text);
      } catch (InputRejected e) {
        if (e.isFinal()) {
          throw e;
        }
        wholeTextError = e;
      }
    }
    Attempts attempts = new Attempts();
    int from = 0;
    while (attempts.left() && (from = text.indexOf(FENCE, from)) >= 0) {
      int contentStart = text.indexOf('\n', from + FENCE.length());
      if (contentStart < 0) {
        break;
      }
      int end = text.indexOf(FENCE, contentStart + 1);
      if (end < 0) {
        end = text.length(); // an unclosed fence: a truncated answer
      }
      JsonNode node = firstIn(text, contentStart + 1, end, attempts);
      if (node != null) {
        return node;
      }
      from = end + FENCE.length();
    }
    JsonNode node = firstIn(text, 0, text.length(), attempts);
    if (node != null) {
      return node;
    }
    if (wholeTextError != null && attempts.firstError == null) {
      throw wholeTextError;
    }
    if (attempts.firstError != null) {
      throw new InputRejected("no valid JSON value found in the text; the first candidate: "
          + attempts.firstError.getMessage(), true);
    }
    throw new InputRejected("no JSON value found in the text", true);
  }

  private static boolean startsLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return "{[\"-0123456789tfn".indexOf(c) >= 0;
      }
    }
    return false;
  }

  /** The first balanced span in {@code text[start, end)} that parses, or null. */
  private JsonNode firstIn(String text, int start, int end, Attempts attempts) throws InputRejected {
    int open = nextOpen(text, start, end);
    while (open >= 0 && attempts.left()) {
      int close = matchingClose(text, open, end);
      if (close < 0) {
        return null; // unbalanced from here on: later openers are nested inside this one
      }
      attempts.used++;
      try {
        return reader.parse(text.substring(open, close + 1));
      } catch (InputRejected e) {
        if (e.isFinal()) {
          throw e;
        }
        if (attempts.firstError == null) {
          attempts.firstError = e;
        }
      }
      open = nextOpen(text, open + 1, end);
    }
    return null;
  }

  private static int nextOpen(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '{' || c == '[') {
        return i;
      }
    }
    return -1;
  }

  /** Index of the bracket closing the one at {@code open}, skipping strings; -1 if none. */
  private static int matchingClose(String text, int open, int end) {
    int depth = 0;
    boolean inString = false;
    for (int i = open; i < end; i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static final class Attempts {
    int used;
    InputRejected firstError;

    boolean left() {
      return used < MAX_ATTEMPTS;
    }
  }
}
