package dev.baton.cache;

import dev.baton.cache.CacheEvent.Type;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker of one shared tier of a cache (the store, or the lock store), on
 * Resilience4j; no Resilience4j type leaves this class. Callers ask {@link #allow} before a
 * call and report its outcome; while the breaker is open, {@code allow} says no at once, so a
 * sick tier costs one timeout per breaker window, not one per request. Thread-safe.
 */
final class TierBreaker {
  private static final Logger log = LoggerFactory.getLogger(TierBreaker.class);

  private final String cache;
  private final String tier;
  private final CircuitBreaker breaker; // null when disabled
  private final RuntimeException skipped;

  /**
   * @param cache the cache's name, for logs and events
   * @param tier "store" or "locks": the key of this breaker's events
   * @param config the configuration; disabled gives a breaker that always allows
   * @param clock the clock of the open state's wait
   */
  TierBreaker(String cache, String tier, BreakerConfig config, Clock clock, StatsRecorder stats) {
    this.cache = cache;
    this.tier = tier;
    this.skipped = new SkippedCall("the " + tier + " breaker of cache " + cache + " is open");
    if (!config.enabled()) {
      this.breaker = null;
      return;
    }
    this.breaker = CircuitBreaker.of("baton-cache-" + cache + "-" + tier,
        CircuitBreakerConfig.custom()
            .slidingWindow(config.window(), config.minimumCalls(), SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(config.failureRate())
            .waitDurationInOpenState(config.openFor())
            .permittedNumberOfCallsInHalfOpenState(config.probes())
            .automaticTransitionFromOpenToHalfOpenEnabled(false) // the next call probes
            .writableStackTraceEnabled(false)
            .clock(clock)
            .build());
    breaker.getEventPublisher().onStateTransition(event -> {
      CircuitBreaker.State to = event.getStateTransition().getToState();
      Type type = switch (to) {
        case OPEN, FORCED_OPEN -> Type.BREAKER_OPEN;
        case HALF_OPEN -> Type.BREAKER_HALF_OPEN;
        default -> Type.BREAKER_CLOSED;
      };
      if (type == Type.BREAKER_OPEN) {
        log.warn("Cache {}: the {} failed repeatedly; skipping it for {} (breaker open)", cache,
            tier, config.openFor());
      } else {
        log.info("Cache {}: {} breaker {}", cache, tier, to);
      }
      stats.record(type, tier);
    });
  }

  /** {@return whether a call may go to the tier now; if so, report it with one of the others} */
  boolean allow() {
    return breaker == null || breaker.tryAcquirePermission();
  }

  void succeeded(long startNanos) {
    if (breaker != null) {
      breaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }

  void failed(long startNanos, Throwable error) {
    if (breaker != null) {
      breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, error);
    }
  }

  /** The call was allowed but ended without telling anything about the tier (interrupted). */
  void abandoned() {
    if (breaker != null) {
      breaker.releasePermission();
    }
  }

  /** The tier failed its start-up check: skip it until a probe finds it back. */
  void open() {
    if (breaker != null && breaker.getState() == CircuitBreaker.State.CLOSED) {
      breaker.transitionToOpenState();
    }
  }

  /** {@return the error recorded for a call the open breaker skipped; shared, no stack trace} */
  RuntimeException skipped() {
    return skipped;
  }

  CacheHealth.State state() {
    if (breaker == null) {
      return CacheHealth.State.UP;
    }
    return switch (breaker.getState()) {
      case CLOSED, DISABLED, METRICS_ONLY -> CacheHealth.State.UP;
      case HALF_OPEN -> CacheHealth.State.PROBING;
      default -> CacheHealth.State.DOWN;
    };
  }

  @Override
  public String toString() {
    return "TierBreaker[" + cache + " " + tier + " " + (breaker == null ? "disabled" : breaker.getState()) + "]";
  }

  /** What a caller sees as the error of a skipped call: no stack trace, one per breaker. */
  private static final class SkippedCall extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SkippedCall(String message) {
      super(message, null, false, false);
    }
  }
}
