package dev.baton.examples.launcher;

import dev.baton.examples.Demo;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts N instances of a flow's service as separate JVMs, fires the seed's concurrent scenario
 * at them, prints what happened and one {@code RESULT ...} line, and stops them gracefully.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.args="scheduler --instances 3 [--jdbc URL]"
 * ./mvnw -q -pl examples -am compile exec:java      # the quick start: every flow, embedded
 * </pre>
 *
 * Without {@code --jdbc} the launcher serves an in-memory H2 database over TCP that the
 * instances share. {@code --jdbc-user}/{@code --jdbc-password} go with {@code --jdbc};
 * {@code --date YYYY-MM-DD} picks the scheduler's target date (default: tomorrow).
 */
public final class Launcher {
  private Launcher() {}

  /** Runs; exits with 1 when a RESULT line shows a broken invariant, so scripts can check. */
  public static void main(String[] args) throws Exception {
    boolean broken = run(System.out, args).stream()
        .anyMatch(r -> !r.contains(" over_limit=0 ") || !r.contains(" duplicate_slots=0 "));
    if (broken) {
      System.exit(1);
    }
  }

  /**
   * Runs the flow named in {@code args} (every flow when none is named).
   *
   * @return the RESULT lines printed
   */
  public static List<String> run(PrintStream out, String... args) throws Exception {
    Flags flags = Flags.parse(args);
    if (flags.words().isEmpty()) {
      return quickStart(out);
    }
    String flow = flags.words().get(0);
    return List.of(switch (flow) {
      case "scheduler" -> scheduler(out, flags);
      case "recommender", "plant-id" -> throw new UnsupportedOperationException("the " + flow
          + " flow does not run as processes yet; the quick start runs its in-JVM demo");
      default -> throw new IllegalArgumentException(
          "unknown flow: " + flow + " (one of: scheduler)");
    });
  }

  /** Every flow on embedded defaults, then the in-JVM tour, then the RESULT lines on one screen. */
  private static List<String> quickStart(PrintStream out) throws Exception {
    List<String> results = new ArrayList<>();
    results.add(scheduler(out, Flags.parse("scheduler", "--instances", "3")));
    Demo.main(new String[0]);
    out.println("\n== Summary");
    results.forEach(r -> out.println("  " + r));
    return results;
  }

  private static String scheduler(PrintStream out, Flags flags) throws Exception {
    int count = flags.intValue("instances", 3);
    LocalDate date = flags.get("date").map(LocalDate::parse).orElse(LocalDate.now().plusDays(1));
    out.printf("%n== scheduler (seed 003): %d instances, %s%n", count,
        flags.get("jdbc").map(u -> "on " + u).orElse("on an embedded H2 shared over TCP"));
    EmbeddedH2 h2 = flags.get("jdbc").isPresent() ? null : EmbeddedH2.start("scheduler");
    try {
      String url = h2 != null ? h2.url() : flags.get("jdbc").orElseThrow();
      List<String> instanceArgs = new ArrayList<>(List.of("--jdbc", url));
      flags.get("jdbc-user").ifPresent(u -> instanceArgs.addAll(List.of("--jdbc-user", u)));
      flags.get("jdbc-password").ifPresent(p -> instanceArgs.addAll(List.of("--jdbc-password", p)));
      String result;
      try (Instances instances = Instances.start(
          "dev.baton.examples.scheduler.SchedulerMain", count, instanceArgs)) {
        out.printf("  instances on %s (logs in %s)%n", instances.urls(), instances.logDir());
        result = new SchedulerScenario(out).run(instances.urls(), date);
        int killed = instances.stop();
        int open = OpenConnections.count(url, flags.get("jdbc-user").orElse(null),
            flags.get("jdbc-password").orElse(null));
        out.printf("  stopped gracefully: killed=%d connections_left_open=%d%n", killed, open);
      }
      out.println(result);
      return result;
    } finally {
      if (h2 != null) {
        h2.close();
      }
    }
  }
}
