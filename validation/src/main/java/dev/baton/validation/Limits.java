package dev.baton.validation;

/**
 * Hard limits on the input, enforced before and while it is parsed, so that hostile or runaway
 * model output costs bounded time and memory.
 *
 * <pre>{@code
 * Limits limits = Limits.builder().maxInputBytes(256 * 1024).maxDepth(32).build();
 * }</pre>
 *
 * <table>
 *   <caption>Limits and defaults</caption>
 *   <tr><th>limit</th><th>default</th><th>checked</th></tr>
 *   <tr><td>{@code maxInputBytes}</td><td>1 MiB</td><td>before anything else, on the UTF-8
 *       length of the whole text (prose included)</td></tr>
 *   <tr><td>{@code maxDepth}</td><td>64</td><td>while parsing: nested arrays and objects
 *       (at most 1,000)</td></tr>
 *   <tr><td>{@code maxStringLength}</td><td>100,000</td><td>while parsing, and exactly after:
 *       characters in one string value or key</td></tr>
 *   <tr><td>{@code maxNumberLength}</td><td>100</td><td>while parsing: characters in one number
 *       literal</td></tr>
 * </table>
 *
 * <p>Immutable, and so thread-safe.
 */
public final class Limits {
  /** The highest {@code maxDepth} accepted: repair and validation recurse once per level. */
  public static final int MAX_DEPTH_CEILING = 1_000;

  private static final Limits DEFAULTS = builder().build();

  private final int maxInputBytes;
  private final int maxDepth;
  private final int maxStringLength;
  private final int maxNumberLength;

  private Limits(Builder b) {
    this.maxInputBytes = b.maxInputBytes;
    this.maxDepth = b.maxDepth;
    this.maxStringLength = b.maxStringLength;
    this.maxNumberLength = b.maxNumberLength;
  }

  /**
   * {@return the defaults: 1 MiB, depth 64, strings of 100,000 characters, numbers of 100}
   */
  public static Limits defaults() {
    return DEFAULTS;
  }

  /** {@return a builder that starts from the {@link #defaults() defaults}} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the most UTF-8 bytes of text accepted, prose and fences included} */
  public int maxInputBytes() {
    return maxInputBytes;
  }

  /** {@return the deepest nesting of arrays and objects accepted} */
  public int maxDepth() {
    return maxDepth;
  }

  /** {@return the longest string value or key accepted, in characters} */
  public int maxStringLength() {
    return maxStringLength;
  }

  /** {@return the longest number literal accepted, in characters} */
  public int maxNumberLength() {
    return maxNumberLength;
  }

  @Override
  public String toString() {
    return "Limits[maxInputBytes=" + maxInputBytes + ", maxDepth=" + maxDepth
        + ", maxStringLength=" + maxStringLength + ", maxNumberLength=" + maxNumberLength + "]";
  }

  /** Builds {@link Limits}; each setter fails fast on a bad value. Not thread-safe. */
  public static final class Builder {
    private int maxInputBytes = 1024 * 1024;
    private int maxDepth = 64;
    private int maxStringLength = 100_000;
    private int maxNumberLength = 100;

    private Builder() {
    }

    /**
     * The most UTF-8 bytes of text accepted, prose and fences included. Default 1 MiB.
     *
     * @param bytes the limit; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder maxInputBytes(int bytes) {
      this.maxInputBytes = positive("maxInputBytes", bytes);
      return this;
    }

    /**
     * The deepest nesting of arrays and objects accepted, 1 to {@value #MAX_DEPTH_CEILING}.
     * Default 64.
     *
     * @param depth the limit
     * @return this builder
     * @throws IllegalArgumentException if it is outside that range
     */
    public Builder maxDepth(int depth) {
      if (depth < 1 || depth > MAX_DEPTH_CEILING) {
        throw new IllegalArgumentException(
            "maxDepth must be between 1 and " + MAX_DEPTH_CEILING + ": " + depth);
      }
      this.maxDepth = depth;
      return this;
    }

    /**
     * The longest string value or key accepted, in characters. Default 100,000.
     *
     * @param chars the limit; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder maxStringLength(int chars) {
      this.maxStringLength = positive("maxStringLength", chars);
      return this;
    }

    /**
     * The longest number literal accepted, in characters. Default 100.
     *
     * @param chars the limit; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder maxNumberLength(int chars) {
      this.maxNumberLength = positive("maxNumberLength", chars);
      return this;
    }

    /** {@return the limits} */
    public Limits build() {
      return new Limits(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
