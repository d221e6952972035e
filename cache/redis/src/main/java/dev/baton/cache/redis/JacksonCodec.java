package dev.baton.cache.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cache.CacheCodec;
import java.io.IOException;
import java.util.Objects;

/**
 * Values as JSON, with Jackson: readable in {@code redis-cli}, and tolerant of fields added
 * between deployments when the mapper is configured so. A value the mapper cannot read throws
 * {@link IllegalArgumentException}, and the cache treats its entry as missing.
 *
 * <pre>{@code
 * JacksonCodec.of(Photo.class)
 * JacksonCodec.of(mapper, new TypeReference<List<Photo>>() {})
 * }</pre>
 *
 * <p>Thread-safe (as the mapper is once configured).
 *
 * @param <V> the type of the cached values
 */
public final class JacksonCodec<V> implements CacheCodec<V> {
  private static final ObjectMapper DEFAULT = new ObjectMapper().findAndRegisterModules();

  private final ObjectMapper mapper;
  private final JavaType type;

  private JacksonCodec(ObjectMapper mapper, JavaType type) {
    this.mapper = mapper;
    this.type = type;
  }

  /**
   * A codec for {@code type} with a default mapper (modules on the class path registered).
   *
   * @param <V> the value type
   * @param type the class of the values
   * @return the codec
   */
  public static <V> JacksonCodec<V> of(Class<V> type) {
    return of(DEFAULT, type);
  }

  /**
   * A codec for {@code type} with the given mapper.
   *
   * @param <V> the value type
   * @param mapper the mapper to read and write with; do not reconfigure it afterwards
   * @param type the class of the values
   * @return the codec
   */
  public static <V> JacksonCodec<V> of(ObjectMapper mapper, Class<V> type) {
    Objects.requireNonNull(mapper, "mapper must not be null");
    return new JacksonCodec<>(mapper, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  /**
   * A codec for a generic type, e.g. {@code new TypeReference<List<Photo>>() {}}.
   *
   * @param <V> the value type
   * @param mapper the mapper to read and write with; do not reconfigure it afterwards
   * @param type the full generic type of the values
   * @return the codec
   */
  public static <V> JacksonCodec<V> of(ObjectMapper mapper, TypeReference<V> type) {
    Objects.requireNonNull(mapper, "mapper must not be null");
    return new JacksonCodec<>(mapper, mapper.constructType(Objects.requireNonNull(type, "type")));
  }

  @Override
  public byte[] encode(V value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName()
          + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public V decode(byte[] bytes) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + type + " from JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "JacksonCodec[" + type + "]";
  }
}
