package dev.baton.locks.redis;

import java.util.List;

/**
 * The keys of a lock name: {@code <prefix>{:<name>}} and {@code <prefix>{:<name>}:fence}.
 * Both put the name behind the same "{:", so they share a hash tag and a cluster slot whatever
 * the name holds: Redis hashes what lies between the first '{' and the first '}' after it, that
 * stretch is the same in both keys, and the ':' keeps it from being empty (an empty tag, as a
 * name starting with '}' would give, makes Redis hash the whole key). The lock key ends with
 * '}' and the counter key with "}:fence", so no name's lock key can equal another name's
 * counter key. Names travel as UTF-8: one with an unpaired surrogate, which UTF-8 cannot carry,
 * is refused ({@link #checkEncodable}). Immutable.
 */
final class RedisKeys {
  private final String prefix;
  private final String channel;

  RedisKeys(String prefix) {
    this.prefix = prefix;
    this.channel = prefix + "released";
  }

  /**
   * Returns {@code name} if Redis can keep it apart from every other name, else throws naming
   * it. Keys travel as UTF-8, which has no form for an unpaired surrogate: Jedis would send '?'
   * instead, so "a" followed by U+D800 and "a?" would share one lock and one fencing counter.
   *
   * @throws IllegalArgumentException for a name with an unpaired surrogate
   */
  static String checkEncodable(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(String.format(
            "name must not contain an unpaired surrogate (\\u%04X at index %d), which Redis keys"
                + " (UTF-8) cannot hold: \"%s\"", (int) c, i, escaped(name)));
      }
    }
    return name;
  }

  /** The name with each unpaired surrogate written as a Java escape (backslash, u, hex), for messages. */
  static String escaped(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        out.append(c).append(name.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
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
