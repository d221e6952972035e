package dev.baton.locks.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script shipped as a resource next to this class, run by its SHA-1 (EVALSHA) and sent
 * in full only when the server does not know it yet (after a restart or failover). Immutable.
 */
final class RedisScript {
  static final RedisScript ACQUIRE = load("acquire.lua");
  static final RedisScript EXTEND = load("extend.lua");
  static final RedisScript RELEASE = load("release.lua");
  static final RedisScript EXTEND_ALL = load("extend_all.lua");

  private final String source;
  private final String sha1;

  private RedisScript(String source) {
    this.source = source;
    this.sha1 = sha1(source);
  }

  long run(UnifiedJedis jedis, List<String> keys, List<String> args) {
    return (Long) eval(jedis, keys, args);
  }

  /** Runs a script that answers one integer per key. */
  @SuppressWarnings("unchecked")
  List<Long> runForEach(UnifiedJedis jedis, List<String> keys, List<String> args) {
    return (List<Long>) eval(jedis, keys, args);
  }

  private Object eval(UnifiedJedis jedis, List<String> keys, List<String> args) {
    try {
      return jedis.evalsha(sha1, keys, args);
    } catch (JedisNoScriptException unknown) {
      return jedis.eval(source, keys, args);
    }
  }

  private static RedisScript load(String resource) {
    try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + resource);
      }
      return new RedisScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read script resource " + resource, e);
    }
  }

  private static String sha1(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
