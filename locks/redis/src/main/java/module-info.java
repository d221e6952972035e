/**
 * {@link dev.baton.locks.LockProvider} on Redis (Jedis). Jedis is re-exported because its
 * {@code UnifiedJedis} appears in the builders; Jedis has no module descriptor of its own and
 * is used as the automatic module {@code redis.clients.jedis} (its {@code Automatic-Module-Name}).
 */
@SuppressWarnings("requires-transitive-automatic")
module dev.baton.locks.redis {
  requires transitive dev.baton.locks;
  requires transitive redis.clients.jedis;
  requires org.apache.commons.pool2;
  requires org.slf4j;

  exports dev.baton.locks.redis;
}
