package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  static final JsonValidator<Object> ALL_OPTIONAL = JsonValidator.forSchema(
      "{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"},"
          + "\"score\":{\"type\":\"integer\"},\"details\":{\"type\":\"object\"}}}",
      Object.class);

  static void assertSyntaxErrorAt(String text, String where) {
    ValidationResult<Object> result = ALL_OPTIONAL.validate(text);
    assertFalse(result.isValid(), () -> text + " came back valid as " + result.json());
    assertEquals(1, result.problems().size(), result.problems()::toString);
    Problem problem = result.problems().get(0);
    assertEquals(Problem.INPUT, problem.keyword());
    assertTrue(problem.message().contains(where), problem::toString);
    assertTrue(result.json().isEmpty(), "no fragment is passed on: " + result.json());
  }

  @Test
  void brokenJsonIsASyntaxErrorWithLineAndColumnNotAValidFragment() {
    assertSyntaxErrorAt("{\"summary\":\"great\",\"score\":5,\"details\":{\"a\":1}, }",
        "(line 1, column 49)");
    assertSyntaxErrorAt("{\n  \"summary\": \"great\",\n  \"details\": {\"a\": 1},\n}\n",
        "(line 4, column 1)");
    assertSyntaxErrorAt("[{\"a\": 1}, {\"b\": 2},]", "(line 1, column");
    assertSyntaxErrorAt("{\"summary\": \"cut off\", \"details\": {\"a\": 1}", "end-of-input");
  }

  @Test
  void brokenJsonInAFenceIsASyntaxErrorToo() {
    assertSyntaxErrorAt("Here:\n```json\n{\"summary\": \"x\", \"details\": {\"a\": 1}, }\n```\n",
        "the code fence at line 2 holds broken JSON");
  }

  @Test
  void anUnbalancedBraceInProseBeforeTheJsonIsSkipped() {
    assertEquals("{\"a\":1}", json("Smiley :-{ here it is: {\"a\":1}"));
    assertEquals("{\"a\":1}", json("Smiley :-{ here it is:\n```json\n{\"a\":1}\n```"));
  }

  @Test
  void aLeadingValueFollowedByProseIsStillFound() {
    assertEquals("{\"a\":1}", json("{\"a\": 1}\nHope this helps!"));
  }
}
