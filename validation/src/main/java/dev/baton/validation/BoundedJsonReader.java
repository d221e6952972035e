package dev.baton.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads untrusted text into a tree within {@link Limits}: the size is checked before parsing,
 * depth, string and number lengths by Jackson's stream constraints while parsing (so a depth
 * bomb stops at the limit, long before the stack), duplicate keys are an error, and trailing
 * content after the value is an error. Thread-safe: the mapper is configured once.
 */
final class BoundedJsonReader {
  private final Limits limits;
  private final ObjectMapper mapper;

  BoundedJsonReader(Limits limits) {
    this.limits = limits;
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxDepth())
            .maxStringLength(limits.maxStringLength())
            .maxNameLength(limits.maxStringLength())
            .maxNumberLength(limits.maxNumberLength())
            .maxDocumentLength(limits.maxInputBytes())
            .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    this.mapper = JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /** Rejects text longer than {@code maxInputBytes} in UTF-8, without copying it. */
  void checkSize(String text) throws InputRejected {
    int max = limits.maxInputBytes();
    if (text.length() > max) { // every char is at least one UTF-8 byte
      throw tooBig(text.length() + "+", max);
    }
    if (3L * text.length() <= max) { // and at most three (a surrogate pair is 4 for 2 chars)
      return;
    }
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    if (bytes > max) {
      throw tooBig(String.valueOf(bytes), max);
    }
  }

  /** Decodes strict UTF-8 (no replacement characters), after the size check. */
  String decode(byte[] utf8) throws InputRejected {
    if (utf8.length > limits.maxInputBytes()) {
      throw tooBig(String.valueOf(utf8.length), limits.maxInputBytes());
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new InputRejected("input is not valid UTF-8: " + result.length()
          + " bad byte(s) at byte offset " + in.position(), true);
    }
    result = decoder.flush(out);
    if (result.isError()) {
      throw new InputRejected("input is not valid UTF-8: truncated sequence at the end", true);
    }
    out.flip();
    return out.toString();
  }

  /**
   * Parses exactly one JSON value (surrounding whitespace allowed). A broken limit or a duplicate
   * key is final; a plain syntax error is not (the text may be prose around JSON).
   */
  JsonNode parse(String json) throws InputRejected {
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (StreamConstraintsException e) {
      throw new InputRejected(describe(e), true);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("Duplicate field")) {
        throw new InputRejected("duplicate key: " + message.substring("Duplicate field ".length())
            + location(e), true);
      }
      throw new InputRejected("not JSON: " + firstLine(message) + location(e), false);
    }
    if (node == null || node.isMissingNode()) {
      throw new InputRejected("not JSON: empty", false);
    }
    return node;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  private String describe(StreamConstraintsException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.contains("nesting depth")) {
      return "input nests deeper than maxDepth " + limits.maxDepth() + location(e);
    }
    if (m.contains("Number value length") || m.contains("Number length")) {
      return "a number is longer than maxNumberLength " + limits.maxNumberLength() + location(e);
    }
    if (m.contains("String value length") || m.contains("Name length")) {
      return "a string is longer than maxStringLength " + limits.maxStringLength() + location(e);
    }
    if (m.contains("Document length")) {
      return "input is longer than maxInputBytes " + limits.maxInputBytes();
    }
    return "input exceeds a limit: " + firstLine(m);
  }

  private static InputRejected tooBig(String bytes, int max) {
    return new InputRejected("input is " + bytes + " bytes, more than maxInputBytes " + max, true);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
