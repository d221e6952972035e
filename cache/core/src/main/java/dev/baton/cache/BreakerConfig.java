package dev.baton.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StampedeCache} stops calling a sick shared store or lock store: a circuit breaker
 * per tier (one for the store, one for the locks). It looks at the outcome of the last
 * {@code window} calls; once at least {@code minimumCalls} were made and {@code failureRate}
 * percent or more of them failed (an error or a timeout), it <em>opens</em>: for
 * {@code openFor}, calls to that tier are skipped at once and the cache serves from its local
 * tier and the loader, as it does when a call fails. After {@code openFor} the next
 * {@code probes} calls go through: if they succeed the breaker closes, if one fails it opens
 * again. Transitions are reported as {@link CacheEvent.Type#BREAKER_OPEN},
 * {@link CacheEvent.Type#BREAKER_HALF_OPEN} and {@link CacheEvent.Type#BREAKER_CLOSED}.
 *
 * <pre>{@code
 * StampedeCache.<String, Photo>builder("photos")
 *     .breaker(BreakerConfig.builder().minimumCalls(3).openFor(Duration.ofSeconds(30)).build())
 * }</pre>
 *
 * <p>Immutable and thread-safe; its {@link Builder} is not thread-safe.
 */
public final class BreakerConfig {
  private static final BreakerConfig DEFAULTS = builder().build();
  private static final BreakerConfig DISABLED = new BreakerConfig(false, 1, 1, 100, Duration.ofSeconds(1), 1);

  private final boolean enabled;
  private final int window;
  private final int minimumCalls;
  private final int failureRate;
  private final Duration openFor;
  private final int probes;

  private BreakerConfig(boolean enabled, int window, int minimumCalls, int failureRate,
      Duration openFor, int probes) {
    this.enabled = enabled;
    this.window = window;
    this.minimumCalls = minimumCalls;
    this.failureRate = failureRate;
    this.openFor = openFor;
    this.probes = probes;
  }

  /**
   * The default: window 10 calls, at least 5 calls, opens at 50 % failures, open for 10 s, 1
   * probe.
   *
   * @return the default configuration
   */
  public static BreakerConfig defaults() {
    return DEFAULTS;
  }

  /**
   * No breaker: every call goes to its tier, and each failure costs its own timeout.
   *
   * @return a configuration without a breaker
   */
  public static BreakerConfig disabled() {
    return DISABLED;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return whether a breaker guards the tiers} */
  public boolean enabled() {
    return enabled;
  }

  /** {@return how many of the latest calls the failure rate is computed over} */
  public int window() {
    return window;
  }

  /** {@return how many calls the window needs before the breaker may open} */
  public int minimumCalls() {
    return minimumCalls;
  }

  /** {@return the failure percentage, 1 to 100, at or above which the breaker opens} */
  public int failureRate() {
    return failureRate;
  }

  /** {@return how long an open breaker skips its tier before it lets probes through} */
  public Duration openFor() {
    return openFor;
  }

  /** {@return how many calls probe the tier after {@link #openFor}} */
  public int probes() {
    return probes;
  }

  @Override
  public String toString() {
    return enabled
        ? "BreakerConfig[window " + window + ", minimumCalls " + minimumCalls + ", failureRate "
            + failureRate + "%, openFor " + openFor + ", probes " + probes + "]"
        : "BreakerConfig[disabled]";
  }

  /** Builds a {@link BreakerConfig}. Not thread-safe. */
  public static final class Builder {
    private int window = 10;
    private int minimumCalls = 5;
    private int failureRate = 50;
    private Duration openFor = Duration.ofSeconds(10);
    private int probes = 1;

    private Builder() {}

    /**
     * How many of the latest calls the failure rate is computed over; by default 10.
     *
     * @param calls the window's size; positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder window(int calls) {
      this.window = positive("window", calls);
      return this;
    }

    /**
     * How many calls the window needs before the breaker may open; by default 5.
     *
     * @param calls the minimum number of calls; positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder minimumCalls(int calls) {
      this.minimumCalls = positive("minimumCalls", calls);
      return this;
    }

    /**
     * The failure percentage at or above which the breaker opens; by default 50.
     *
     * @param percent 1 to 100
     * @return this builder
     * @throws IllegalArgumentException if it is outside 1 to 100
     */
    public Builder failureRate(int percent) {
      if (percent < 1 || percent > 100) {
        throw new IllegalArgumentException("failureRate must be 1 to 100: " + percent);
      }
      this.failureRate = percent;
      return this;
    }

    /**
     * How long an open breaker skips its tier before it lets probes through; by default 10 s.
     *
     * @param duration positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder openFor(Duration duration) {
      Objects.requireNonNull(duration, "openFor must not be null");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("openFor must be positive: " + duration);
      }
      this.openFor = duration;
      return this;
    }

    /**
     * How many calls probe the tier after {@code openFor}; by default 1.
     *
     * @param calls positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder probes(int calls) {
      this.probes = positive("probes", calls);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if {@code minimumCalls} is larger than {@code window}
     */
    public BreakerConfig build() {
      if (minimumCalls > window) {
        throw new IllegalArgumentException("minimumCalls must not exceed window (" + window
            + "): " + minimumCalls);
      }
      return new BreakerConfig(true, window, minimumCalls, failureRate, openFor, probes);
    }

    private static int positive(String what, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(what + " must be positive: " + value);
      }
      return value;
    }
  }
}
