/**
 * {@link dev.baton.cache.StampedeCache}: a local Caffeine tier, a store SPI, per-key locks from
 * any {@link dev.baton.locks.LockProvider}. Caffeine and Resilience4j (the circuit breakers) are
 * implementation details and are not re-exported; {@code dev.baton.locks} is, because a cache
 * is built with a lock provider.
 */
module dev.baton.cache {
  requires transitive dev.baton.locks;
  requires com.github.benmanes.caffeine;
  requires io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core; // its event API, used by the breakers' listeners
  requires org.slf4j;

  exports dev.baton.cache;
}
