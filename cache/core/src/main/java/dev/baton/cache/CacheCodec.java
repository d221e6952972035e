package dev.baton.cache;

/**
 * Turns values into bytes for a shared {@link CacheStore} and back. Needed only with a store;
 * {@code baton-cache-redis} has one on Jackson ({@code JacksonCodec}).
 *
 * <p>Implementations must be thread-safe. A value that {@link #decode} cannot read (a class that
 * changed between deployments) should throw: the cache then treats the entry as missing.
 *
 * @param <V> the type of the cached values
 */
public interface CacheCodec<V> {

  /**
   * The bytes of a non-null value.
   *
   * @param value the value to store; never null
   * @return its encoding, which {@link #decode} turns back into an equal value
   */
  byte[] encode(V value);

  /**
   * The value these bytes were encoded from.
   *
   * @param bytes bytes that {@link #encode} produced, possibly in another deployment
   * @return the value; not null
   * @throws RuntimeException any unchecked exception if the bytes cannot be read: the cache then
   *     treats the entry as missing
   */
  V decode(byte[] bytes);
}
