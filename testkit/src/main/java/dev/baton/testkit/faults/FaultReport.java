package dev.baton.testkit.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one fault run, recomputed by {@link FaultChecker} from the run's log.
 *
 * <p>Required to be 0 for a safe backend ({@link #assertSafe()}): {@code staleAccepted},
 * {@code regressions}, {@code duplicates}, {@code refused}, {@code untold}, {@code hung},
 * {@code undocumented}, {@code closeHangs}, {@code harnessErrors}; and the run must have
 * granted, written, and injected every fault at least once. The others describe the run.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scenario the scenario's name
 * @param seconds how long the nemesis ran
 * @param faults how many faults were injected
 * @param grants grants logged
 * @param writes fenced writes attempted
 * @param accepted writes the register accepted
 * @param unavailable acquire attempts that threw {@code LockUnavailableException}
 * @param staleAccepted accepted writes whose token was below one accepted before, or equal to
 *     another worker's accepted token
 * @param fenceMismatches writes whose logged verdict differs from the fence rule replayed
 *     (expected with a broken fence only)
 * @param regressions grants whose token was below that of a grant made before it started
 * @param duplicates grants whose token an earlier grant already had
 * @param overlaps pairs of grants where a worker was granted while another still believed
 *     it held the name
 * @param untold overlaps whose earlier holder was never told (no onLost, {@code isValid()}
 *     never false)
 * @param maxToldDelayMs the longest time from the newer grant to the stale holder being told
 * @param maxOccupancy the register's own occupancy counter at its highest (not trusted alone)
 * @param refused writes refused although the writer was valid and the newest holder
 * @param refusedForMs from the first to the last such refusal
 * @param hung workers with more than 10 s between two acquire attempts' returns, not counting
 *     time the nemesis had them paused or killed
 * @param undocumented exceptions from the lock API other than the documented ones
 * @param closeHangs providers whose close() took over 10 s, or worker JVMs that did not exit
 * @param harnessErrors worker JVMs that exited abnormally (backend not built, register failed)
 * @param notes the first undocumented exceptions and harness failures, for the message
 *     (an unmodifiable list, as the checker makes it)
 */
public record FaultReport(String scenario, long seconds, int faults, int grants, int writes,
    int accepted, int unavailable, int staleAccepted, int fenceMismatches, int regressions,
    int duplicates, int overlaps, int untold, long maxToldDelayMs, long maxOccupancy,
    int refused, long refusedForMs, int hung, int undocumented, int closeHangs,
    int harnessErrors, List<String> notes) {

  /** {@return the {@code [faults]} line of this run, every figure as name=value} */
  public String line() {
    return "[faults] " + scenario + " seconds=" + seconds + " faults=" + faults
        + " grants=" + grants + " writes=" + writes + " accepted=" + accepted
        + " unavailable=" + unavailable
        + " stale-accepted=" + staleAccepted + " fence-mismatches=" + fenceMismatches
        + " regressions=" + regressions + " duplicates=" + duplicates
        + " overlaps=" + overlaps + " untold=" + untold + " max-told-ms=" + maxToldDelayMs
        + " max-occupancy=" + maxOccupancy + " refused=" + refused
        + " refused-for-ms=" + refusedForMs + " hung=" + hung
        + " undocumented=" + undocumented + " close-hangs=" + closeHangs
        + " harness-errors=" + harnessErrors;
  }

  /**
   * The required figures that are not as required, each as {@code name=value}.
   *
   * @param expectedFaults how many fault kinds the scenario had (each must have run once)
   * @return the failures; empty for a safe run
   */
  public List<String> failures(int expectedFaults) {
    List<String> failures = new ArrayList<>();
    check(failures, "stale-accepted", staleAccepted);
    check(failures, "regressions", regressions);
    check(failures, "duplicates", duplicates);
    check(failures, "refused", refused);
    check(failures, "untold", untold);
    check(failures, "hung", hung);
    check(failures, "undocumented", undocumented);
    check(failures, "close-hangs", closeHangs);
    check(failures, "harness-errors", harnessErrors);
    if (grants == 0 || writes == 0) {
      failures.add("grants=" + grants + " writes=" + writes + " (a run that did nothing proves"
          + " nothing)");
    }
    if (faults < expectedFaults) {
      failures.add("faults=" + faults + " (fewer than the " + expectedFaults
          + " fault kinds of the scenario)");
    }
    return failures;
  }

  /**
   * The figures a provider must keep even where its documented limits allow two holders across
   * instances (the fallback provider: each instance switches on its own, and two stores'
   * tokens are not ordered): the fence refuses every stale write, nothing hangs, every
   * exception is documented, and the run did something. Regressions, untold holders and
   * refused writes are reported in the line but not required to be zero.
   *
   * @param expectedFaults how many fault kinds the scenario had (each must have run once)
   * @return the failures; empty for a run that kept these figures
   */
  public List<String> fencedFailures(int expectedFaults) {
    List<String> failures = new ArrayList<>();
    for (String failure : failures(expectedFaults)) {
      if (!failure.startsWith("regressions=") && !failure.startsWith("duplicates=")
          && !failure.startsWith("refused=") && !failure.startsWith("untold=")) {
        failures.add(failure);
      }
    }
    return failures;
  }

  /**
   * Fails unless the figures of {@link #fencedFailures} are as required.
   *
   * @param expectedFaults the least number of injected faults
   * @throws AssertionError naming each figure that is not as required
   */
  public void assertFenced(int expectedFaults) {
    List<String> failures = fencedFailures(expectedFaults);
    if (!failures.isEmpty()) {
      throw new AssertionError(scenario + " failed: " + String.join(", ", failures) + "\n"
          + line() + (notes.isEmpty() ? "" : "\n" + String.join("\n", notes)));
    }
  }

  private static void check(List<String> failures, String name, int value) {
    if (value != 0) {
      failures.add(name + "=" + value);
    }
  }

  /**
   * Fails unless every required figure is as required; see the class doc.
   *
   * @throws AssertionError naming each figure that is not, with this run's line and notes
   */
  public void assertSafe() {
    assertSafe(faults == 0 ? 0 : 1);
  }

  /**
   * Like {@link #assertSafe()}, also requiring at least {@code expectedFaults} injections.
   *
   * @param expectedFaults the least number of injected faults
   * @throws AssertionError naming each figure that is not as required
   */
  public void assertSafe(int expectedFaults) {
    List<String> failures = failures(expectedFaults);
    if (!failures.isEmpty()) {
      throw new AssertionError(scenario + " failed: " + String.join(", ", failures) + "\n"
          + line() + (notes.isEmpty() ? "" : "\n" + String.join("\n", notes)));
    }
  }
}
