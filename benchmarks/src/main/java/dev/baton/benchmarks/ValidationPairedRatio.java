package dev.baton.benchmarks;

import java.util.Arrays;

/**
 * The steady-state ratio of {@link ValidationBenchmark#batonValid} to its peer
 * {@link ValidationBenchmark#rawJacksonNetworknt}, measured paired: in one JVM, after a warm-up,
 * alternating 100 ms slices of each, so that a machine whose load changes (a shared CI box)
 * weighs on both sides of each pair alike. Prints the median and the quartiles of the per-pair
 * ratios. Not JMH (no forks, no blackhole beyond a checksum): a cross-check of the JMH ratio
 * when the JMH error columns are wide.
 *
 * <pre>{@code java -cp benchmarks/target/classes:<classpath> dev.baton.benchmarks.ValidationPairedRatio [seconds]}</pre>
 */
public final class ValidationPairedRatio {
  private static final long SLICE_NANOS = 100_000_000L;

  private ValidationPairedRatio() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    ValidationBenchmark.Steady state = new ValidationBenchmark.Steady();
    state.setUp();
    ValidationBenchmark.Answers answers = new ValidationBenchmark.Answers();
    answers.setUp();
    ValidationBenchmark b = new ValidationBenchmark();
    long sink = 0;
    for (int i = 0; i < 10; i++) { // warm-up, 2 s of slices
      sink += slice(b, state, answers, true) + slice(b, state, answers, false);
    }
    int pairs = seconds * 5;
    double[] ratios = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      boolean batonFirst = i % 2 == 0;
      long first = slice(b, state, answers, batonFirst);
      long second = slice(b, state, answers, !batonFirst);
      ratios[i] = batonFirst ? (double) first / second : (double) second / first;
      sink += first + second;
    }
    Arrays.sort(ratios);
    System.out.printf("batonValid / rawJacksonNetworknt over %d pairs of 100 ms slices: median %.2f"
        + " (quartiles %.2f-%.2f, min %.2f, max %.2f) [%d]%n", pairs, ratios[pairs / 2],
        ratios[pairs / 4], ratios[3 * pairs / 4], ratios[0], ratios[pairs - 1], sink & 1);
  }

  /** Validations done in one slice. */
  private static long slice(ValidationBenchmark b, ValidationBenchmark.Steady s,
      ValidationBenchmark.Answers a, boolean baton) throws Exception {
    long end = System.nanoTime() + SLICE_NANOS;
    long n = 0;
    while (System.nanoTime() < end) {
      Object r = baton ? b.batonValid(s, a) : b.rawJacksonNetworknt(s, a);
      n += r != null ? 1 : 0;
    }
    return n;
  }
}
