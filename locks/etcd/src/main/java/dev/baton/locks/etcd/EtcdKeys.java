package dev.baton.locks.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The keys of a lock name: {@code <namespace><encoded name>/<lease id in hex>}, one per holder
 * or waiter, all under the name's prefix {@code <namespace><encoded name>/}.
 *
 * <p>The name is encoded as unpadded base64url of its UTF-8 bytes. That alphabet
 * ({@code A-Z a-z 0-9 - _}) has no '/', so the prefix of one name can never be a prefix of
 * another name's keys: a name whose encoding starts with another's still differs at the '/'.
 * Base64 without padding is injective, so two names never share a prefix. A name that is not
 * well-formed UTF-16 (a lone surrogate, which UTF-8 cannot carry) is encoded from its UTF-16
 * code units behind a '~', which base64url never produces, so it cannot collide either.
 *
 * <p>Immutable.
 */
final class EtcdKeys {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final String namespace;

  EtcdKeys(String namespace) {
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  /** {@code <namespace><encoded name>/}: every key of {@code name} starts with it. */
  ByteSequence prefix(String name) {
    return ByteSequence.from(namespace + encode(name) + "/", StandardCharsets.UTF_8);
  }

  /** The key of the holder or waiter whose etcd lease is {@code leaseId}. */
  ByteSequence key(String name, long leaseId) {
    return ByteSequence.from(namespace + encode(name) + "/" + Long.toHexString(leaseId),
        StandardCharsets.UTF_8);
  }

  static String encode(String name) {
    if (isWellFormed(name)) {
      return BASE64URL.encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }
    // Not String.getBytes(UTF_16BE): it would replace every lone surrogate with U+FFFD.
    byte[] units = new byte[2 * name.length()];
    for (int i = 0; i < name.length(); i++) {
      units[2 * i] = (byte) (name.charAt(i) >> 8);
      units[2 * i + 1] = (byte) name.charAt(i);
    }
    return "~" + BASE64URL.encodeToString(units);
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
