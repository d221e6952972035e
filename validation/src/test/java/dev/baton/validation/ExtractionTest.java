package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Finding the JSON in a model's answer. */
class ExtractionTest {
  static final JsonValidator<Object> ANY = JsonValidator.forSchema("{}", Object.class);

  static String json(String text) {
    ValidationResult<Object> result = ANY.validate(text);
    assertTrue(result.isValid(), () -> text + " -> " + result.problems());
    return result.json().orElseThrow();
  }

  @Test
  void wholeTextThatIsJson() {
    assertEquals("{\"a\":1}", json("  {\"a\": 1}\n"));
    assertEquals("[1,2]", json("[1, 2]"));
    assertEquals("\"{not an object}\"", json("\"{not an object}\""));
    assertEquals("42", json("42"));
    assertEquals("null", json("null"));
  }

  @Test
  void fencedJsonInProse() {
    assertEquals("{\"a\":1}", json("Here it is:\n```json\n{\"a\": 1}\n```\nAnything else?"));
    assertEquals("{\"a\":2}", json("```\n{\"a\": 2}\n```"));
    assertEquals("[3]", json("Result:\n```JSON\n[3]\n```"));
  }

  @Test
  void theFirstFenceThatHoldsJsonWins() {
    assertEquals("{\"b\":2}", json("```python\nprint('x')\n```\nthen\n```json\n{\"b\": 2}\n```"));
  }

  @Test
  void anUnclosedFenceStillYieldsItsJson() {
    assertEquals("{\"a\":1}", json("```json\n{\"a\": 1}"));
  }

  @Test
  void bracesInsideStringsDoNotConfuseMatching() {
    assertEquals("{\"t\":\"a } b { c ] [\"}",
        json("The answer {\"t\": \"a } b { c ] [\"} is above."));
    assertEquals("{\"t\":\"quote \\\" }\"}", json("x {\"t\": \"quote \\\" }\"} y"));
  }

  @Test
  void aBracketedWordBeforeTheJsonIsSkipped() {
    assertEquals("{\"a\":[1]}", json("[Note] the result is {\"a\": [1]} as requested"));
  }

  @Test
  void proseStartingLikeALiteralIsNotMistakenForIt() {
    assertEquals("{\"ok\":true}", json("true story: {\"ok\": true}"));
    assertEquals("{\"n\":1}", json("1. First, the JSON: {\"n\": 1}"));
  }
}
