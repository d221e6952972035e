package dev.baton.validation;

/** Internal: the input cannot be read as JSON; becomes one {@link Problem#INPUT} problem. */
final class InputRejected extends Exception {
  private static final long serialVersionUID = 1L;

  /** Whether trying another part of the text (extraction) could still succeed. */
  private final boolean finalVerdict;

  InputRejected(String message, boolean finalVerdict) {
    super(message, null, false, false);
    this.finalVerdict = finalVerdict;
  }

  boolean isFinal() {
    return finalVerdict;
  }

  Problem toProblem() {
    return new Problem("", Problem.INPUT, getMessage());
  }
}
