package dev.baton.locks;

/**
 * A monotonic source of nanoseconds, injected per provider so tests can move time. Readings
 * are only compared with each other, as with {@link System#nanoTime()}.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Reads the ticker.
   *
   * @return nanoseconds since an arbitrary, fixed origin
   */
  long read();

  /**
   * The system's monotonic clock.
   *
   * @return a ticker reading {@link System#nanoTime()}
   */
  static Ticker system() {
    return System::nanoTime;
  }
}
