package dev.baton.validation;

/**
 * The {@link Repair#SANITIZE_STRING} rule: removes control characters other than tab, line feed
 * and carriage return, Unicode bidi controls (which can make text display differently from what
 * it is, "Trojan Source"), U+FEFF and unpaired surrogates; then strips leading and trailing
 * whitespace. Thread-safe (stateless).
 */
final class StringSanitizer {
  private StringSanitizer() {
  }

  /** The sanitized string, or the same instance when nothing had to change. */
  static String sanitize(String s) {
    int i = 0;
    while (i < s.length() && !removable(s, i)) {
      i++;
    }
    if (i == s.length() && (i == 0
        || !Character.isWhitespace(s.charAt(0)) && !Character.isWhitespace(s.charAt(i - 1)))) {
      return s; // nothing to remove, nothing to strip: the common case, one pass
    }
    String kept = s;
    if (i < s.length()) {
      StringBuilder b = new StringBuilder(s.length()).append(s, 0, i);
      for (; i < s.length(); i++) {
        if (!removable(s, i)) {
          b.append(s.charAt(i));
        }
      }
      kept = b.toString();
    }
    String stripped = kept.strip();
    return stripped.equals(s) ? s : stripped;
  }

  private static boolean removable(String s, int i) {
    char c = s.charAt(i);
    if (c >= 0x20 && c < 0x7F) {
      return false; // printable ASCII
    }
    if (c < 0x20) {
      return c != '\t' && c != '\n' && c != '\r';
    }
    if (c >= 0x7F && c <= 0x9F) {
      return true;
    }
    switch (c) {
      case '\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E',
          '\u2066', '\u2067', '\u2068', '\u2069', '\uFEFF':
        return true;
      default:
        break;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
