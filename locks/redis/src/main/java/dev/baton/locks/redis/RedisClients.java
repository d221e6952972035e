package dev.baton.locks.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * How Baton's Redis modules read a Redis URI and create their Jedis client: one place for the
 * URI checks, password redaction, TLS with host-name verification, authentication and pool
 * limits. {@link RedisLockProvider} and {@code RedisCacheStore} (baton-cache-redis) use it;
 * applications normally do not need it.
 *
 * <p>Stateless and thread-safe; the clients it creates are Jedis pooled clients, which are
 * thread-safe too.
 */
public final class RedisClients {
  private RedisClients() {}

  /**
   * Parses {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}.
   *
   * @param uri the URI text; not null
   * @return the parsed URI, with its scheme, host and port checked
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException naming the URI, without its password, if it is not one
   */
  public static URI parse(String uri) {
    Objects.requireNonNull(uri, "uri must not be null");
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Redis URI: " + redact(uri), e);
    }
    if (!JedisURIHelper.isRedisScheme(parsed) && !JedisURIHelper.isRedisSSLScheme(parsed)) {
      throw new IllegalArgumentException("not a Redis URI (redis:// or rediss://): " + redact(uri));
    }
    if (parsed.getHost() == null || parsed.getPort() < 0) {
      throw new IllegalArgumentException("a Redis URI needs a host and a port: " + redact(uri));
    }
    return parsed;
  }

  /**
   * Checks a client's pool size: at least 2 (one connection is kept for a subscription).
   *
   * @param maxConnections the pool size to check
   * @return {@code maxConnections}, unchanged
   * @throws IllegalArgumentException if {@code maxConnections} is below 2
   */
  public static int checkMaxConnections(int maxConnections) {
    if (maxConnections < 2) {
      throw new IllegalArgumentException("maxConnections must be at least 2: " + maxConnections);
    }
    return maxConnections;
  }

  /**
   * The URI with its password replaced by {@code ***}, for messages and logs.
   *
   * @param uri the URI text, which need not be valid; not null
   * @return the same text with any {@code user:password@} part's password masked
   */
  public static String redact(String uri) {
    return uri.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
  }

  /**
   * A pooled client for {@code uri}: {@code timeout} bounds connecting, each command and each
   * wait for a pooled connection; blocking commands (subscriptions) have no read timeout. TLS is
   * used for {@code rediss://} or when {@code tls} is given (its trust and key material then
   * replace the JVM's defaults); the server's host name is always verified. The URI's user and
   * password, if any, authenticate each connection.
   *
   * @param uri a URI checked by {@link #parse}
   * @param timeout the connect, command and pool-wait timeout; positive and below 24 days, as
   *     {@link dev.baton.locks.spi.LockArguments#checkTimeout} checks (not checked here)
   * @param maxConnections the pool size, as {@link #checkMaxConnections} checks (not checked here)
   * @param tls the TLS context, or {@code null} for the JVM's default (and TLS only for rediss)
   * @param clientName the name the connections give themselves ({@code CLIENT SETNAME}), or
   *     {@code null} for none
   * @return a new pooled client; its caller closes it
   */
  public static UnifiedJedis create(URI uri, Duration timeout, int maxConnections, SSLContext tls,
      String clientName) {
    int millis = (int) timeout.toMillis();
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(millis)
        .socketTimeoutMillis(millis)
        .blockingSocketTimeoutMillis(0)
        .database(JedisURIHelper.getDBIndex(uri))
        .clientName(clientName);
    if (tls != null || JedisURIHelper.isRedisSSLScheme(uri)) {
      SSLParameters parameters = new SSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // verify the host name
      config.ssl(true).sslParameters(parameters);
      if (tls != null) {
        config.sslSocketFactory(tls.getSocketFactory());
      }
    }
    String password = JedisURIHelper.getPassword(uri);
    if (password != null) {
      config.user(JedisURIHelper.getUser(uri)).password(password);
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMaxWait(timeout);
    pool.setBlockWhenExhausted(true);
    pool.setJmxEnabled(false);
    return RedisClient.builder()
        .hostAndPort(JedisURIHelper.getHostAndPort(uri))
        .clientConfig(config.build())
        .poolConfig(pool)
        .build();
  }
}
