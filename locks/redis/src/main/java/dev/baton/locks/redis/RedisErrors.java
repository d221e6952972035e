package dev.baton.locks.redis;

import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Maps Jedis failures to Baton's exceptions: outages become LockUnavailableException. */
final class RedisErrors {
  private RedisErrors() {}

  static LockException translate(String action, String name, JedisException e) {
    String where = action + " " + name;
    if (e instanceof JedisAccessControlException) {
      return new LockException("Redis refused the credentials while trying to " + where
          + ": " + e.getMessage(), e);
    }
    if (e instanceof JedisDataException && !isTransient(e.getMessage())) {
      return new LockException("Redis rejected the command to " + where + ": " + e.getMessage(), e);
    }
    // Connection refused or reset, timeouts, an exhausted pool, a server that is loading or
    // failing over: the store cannot be reached right now.
    return new LockUnavailableException("Redis unreachable while trying to " + where + ": "
        + e.getMessage(), e);
  }

  private static boolean isTransient(String message) {
    if (message == null) {
      return false;
    }
    for (String prefix : new String[] {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN",
        "READONLY", "NOREPLICAS"}) {
      if (message.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
