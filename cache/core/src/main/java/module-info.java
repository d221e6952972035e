/**
 * {@link dev.baton.cache.StampedeCache}: a local Caffeine tier, a store SPI, per-key locks from
 * any {@link dev.baton.locks.LockProvider}. Caffeine is an implementation detail and is not
 * re-exported; {@code dev.baton.locks} is, because a cache is built with a lock provider.
 */
module dev.baton.cache {
  requires transitive dev.baton.locks;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.baton.cache;
}
