package dev.baton.locks.redis;

import java.util.List;

/**
 * The keys of a lock name: {@code <prefix>{:<name>}} and {@code <prefix>{:<name>}:fence}.
 * Both put the name behind the same "{:", so they share a hash tag and a cluster slot whatever
 * the name holds: Redis hashes what lies between the first '{' and the first '}' after it, that
 * stretch is the same in both keys, and the ':' keeps it from being empty (an empty tag, as a
 * name starting with '}' would give, makes Redis hash the whole key). The lock key ends with
 * '}' and the counter key with "}:fence", so no name's lock key can equal another name's
 * counter key. Immutable.
 */
final class RedisKeys {
  private final String prefix;
  private final String channel;

  RedisKeys(String prefix) {
    this.prefix = prefix;
    this.channel = prefix + "released";
  }

  String lockKey(String name) {
    return prefix + "{:" + name + "}";
  }

  String fenceKey(String name) {
    return lockKey(name) + ":fence";
  }

  List<String> both(String name) {
    return List.of(lockKey(name), fenceKey(name));
  }

  /** The channel every release of this prefix is published on; the message is the name. */
  String channel() {
    return channel;
  }
}
