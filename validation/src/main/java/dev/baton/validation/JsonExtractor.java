package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds the JSON value in a model's answer: the whole text if it is JSON; else the first
 * Markdown code fence whose content holds JSON; else the first balanced {@code {…}} or
 * {@code […]} span of the text that parses.
 *
 * <p>Text that is JSON-shaped — it starts with {@code {} or {@code [} and that bracket closes at
 * its end, or never closes (a truncated answer) — is one value: if it does not parse, its syntax
 * error is the answer, with its line and column, and no span inside it is tried (a span inside a
 * broken object would be a fragment of it, and would validate in its place). The same holds for
 * the content of a code fence. Spans nested in a failed candidate are tried only when the
 * candidate is not JSON-shaped inside either (a bracketed word of prose, {@code [Note: {…}]});
 * an opening bracket that never closes ({@code :-{}) is skipped.
 *
 * <p>Brace matching skips string literals, and at most {@value #MAX_ATTEMPTS} spans are parsed
 * and {@value #MAX_SCANS} scanned, each in one linear pass, so the cost stays bounded by a small
 * multiple of the (already size-checked) input. Thread-safe (stateless).
 */
final class JsonExtractor {
  static final int MAX_ATTEMPTS = 8;
  static final int MAX_SCANS = 16;
  private static final String FENCE = "```";

  private final BoundedJsonReader reader;

  JsonExtractor(BoundedJsonReader reader) {
    this.reader = reader;
  }

  JsonNode extract(String text) throws InputRejected {
    Attempts attempts = new Attempts();
    int first = firstNonWhitespace(text, 0, text.length());
    if (first >= 0 && startsLikeJson(text.charAt(first))) {
      // prose is not parsed whole: a failed parse costs an exception
      try {
        return reader.parse(text);
      } catch (InputRejected e) {
        if (e.isFinal()) {
          throw e;
        }
        if (isBracket(text.charAt(first))) {
          int close = matchingClose(text, first, text.length());
          attempts.scans++;
          if (close < 0 || close == lastNonWhitespace(text, 0, text.length())) {
            throw e; // JSON-shaped: its syntax error is the answer (line and column of the text)
          }
          // A value followed by prose: the leading value, if it parses, is the answer.
          JsonNode leading = tryParse(text, first, close, attempts);
          if (leading != null) {
            return leading;
          }
        }
      }
    }
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
      JsonNode node = inFence(text, from, contentStart + 1, end, attempts);
      if (node != null) {
        return node;
      }
      from = end + FENCE.length();
    }
    JsonNode node = firstIn(text, 0, text.length(), attempts);
    if (node != null) {
      return node;
    }
    if (attempts.firstError != null) {
      throw new InputRejected("no valid JSON value found in the text; the first candidate: "
          + attempts.firstError.getMessage(), true);
    }
    throw new InputRejected("no JSON value found in the text", true);
  }

  /** A fence's JSON: a JSON-shaped content is one value (its syntax error is final). */
  private JsonNode inFence(String text, int fence, int start, int end, Attempts attempts)
      throws InputRejected {
    int first = firstNonWhitespace(text, start, end);
    if (first >= 0 && isBracket(text.charAt(first))) {
      // The common case first: content that parses whole is JSON-shaped, and is the answer.
      String content = text.substring(start, end);
      InputRejected broken;
      try {
        return reader.parse(content);
      } catch (InputRejected e) {
        if (e.isFinal()) {
          throw e;
        }
        broken = e;
      }
      int close = matchingClose(text, first, end);
      attempts.scans++;
      if (close < 0 || close == lastNonWhitespace(text, start, end)) {
        attempts.used++;
        throw new InputRejected("the code fence at line " + lineOf(text, fence)
            + " holds broken JSON: " + broken.getMessage(), true);
      }
    }
    return firstIn(text, start, end, attempts);
  }

  private static boolean startsLikeJson(char c) {
    return "{[\"-0123456789tfn".indexOf(c) >= 0;
  }

  private static boolean isBracket(char c) {
    return c == '{' || c == '[';
  }

  /** The first balanced span in {@code text[start, end)} that parses, or null. */
  private JsonNode firstIn(String text, int start, int end, Attempts attempts) throws InputRejected {
    int open = nextOpen(text, start, end);
    while (open >= 0 && attempts.left()) {
      int close = matchingClose(text, open, end);
      attempts.scans++;
      if (close < 0) {
        open = nextOpen(text, open + 1, end); // an opener that never closes: prose (":-{")
        continue;
      }
      JsonNode node = tryParse(text, open, close, attempts);
      if (node != null) {
        return node;
      }
      // Inside a broken JSON-shaped span, every span is a fragment of it: skip them all.
      open = nextOpen(text, shapedInside(text, open, close) ? close + 1 : open + 1, end);
    }
    return null;
  }

  private JsonNode tryParse(String text, int open, int close, Attempts attempts)
      throws InputRejected {
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
      return null;
    }
  }

  /**
   * Whether the span opened at {@code open} looks like JSON just inside its bracket: an object
   * whose first token is a key (or that is empty), an array whose first token starts a value.
   */
  private static boolean shapedInside(String text, int open, int close) {
    int next = firstNonWhitespace(text, open + 1, close + 1);
    if (next < 0) {
      return false;
    }
    char c = text.charAt(next);
    return text.charAt(open) == '{' ? c == '"' || c == '}' : startsLikeJson(c) || c == ']';
  }

  private static int firstNonWhitespace(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      if (!Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int lastNonWhitespace(String text, int start, int end) {
    for (int i = end - 1; i >= start; i--) {
      if (!Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
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
    int scans;
    InputRejected firstError;

    boolean left() {
      return used < MAX_ATTEMPTS && scans < MAX_SCANS;
    }
  }
}
