package dev.baton.testkit;

/**
 * A server did not start. The message names the command line and ends with the tail of the
 * server's log. Callers see it as an {@link IllegalStateException}.
 */
final class StartFailure extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final boolean addressInUse;

  StartFailure(String message, boolean addressInUse, Throwable cause) {
    super(message, cause);
    this.addressInUse = addressInUse;
  }

  StartFailure(String message, Throwable cause) {
    this(message, false, cause);
  }

  /** True when the log says the port was taken, so starting again on another port may work. */
  boolean addressInUse() {
    return addressInUse;
  }
}
