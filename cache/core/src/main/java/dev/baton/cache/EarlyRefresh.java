package dev.baton.cache;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Probabilistic early expiration, "XFetch" (Vattani, Chierichetti, Lowenstein: Optimal
 * Probabilistic Cache Stampede Prevention, VLDB 2015). A read at time {@code now} refreshes
 * early when {@code now - delta * beta * ln(rand()) >= expiry}, where {@code delta} is how long
 * the last load took and {@code rand()} is uniform in (0, 1]. The chance rises smoothly as the
 * expiry nears and is higher for slow loads, so one of the many readers of a hot key refreshes
 * it shortly before it expires. {@code beta} > 1 favours earlier refreshes; 0 turns it off.
 *
 * <p>Thread-safe (stateless).
 */
final class EarlyRefresh {
  /** Beyond this many {@code delta * beta} before expiry the chance is below e^-40: skip the log. */
  private static final double HORIZON = 40;

  private final double beta;

  EarlyRefresh(double beta) {
    this.beta = beta;
  }

  boolean shouldRefresh(LocalEntry<?> entry, long now) {
    if (beta == 0 || entry.loadNanos() <= 0) {
      return false;
    }
    double scale = entry.loadNanos() * beta;
    double gap = entry.expiresAtNanos() - now;
    if (gap > scale * HORIZON) {
      return false; // the common case of a hit: no random number, no logarithm
    }
    double u = 1.0 - ThreadLocalRandom.current().nextDouble(); // (0, 1]
    return -scale * Math.log(u) >= gap;
  }
}
