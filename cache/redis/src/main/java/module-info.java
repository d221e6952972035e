/**
 * The Redis {@link dev.baton.cache.CacheStore} and a Jackson codec. Jackson databind is
 * re-exported because {@code JacksonCodec} takes an {@code ObjectMapper}; the Redis client setup
 * (and Jedis) comes from {@code dev.baton.locks.redis}.
 *
 * <p>A codec that binds the application's own classes needs their package opened to Jackson
 * ({@code opens my.app.model to com.fasterxml.jackson.databind;}) when the application is a
 * named module.
 */
module dev.baton.cache.redis {
  requires transitive dev.baton.cache;
  requires transitive dev.baton.locks.redis;
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.baton.cache.redis;
}
