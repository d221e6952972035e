package dev.baton.locks.jdbc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps a free-text lock name to what a database can lock: a SHA-256 of the namespace and the
 * name. Hashing keeps names out of SQL text, within the store's limits (a 64-bit advisory key,
 * MySQL's 64-character lock names) and apart where the store folds case (MySQL compares lock
 * names case-insensitively, so the MySQL name uses lower-case hex only).
 */
final class LockKeys {
  private static final HexFormat HEX = HexFormat.of();
  /** MySQL and MariaDB refuse lock names longer than this. */
  static final int MYSQL_NAME_LIMIT = 64;
  private static final String MYSQL_PREFIX = "baton:";

  private LockKeys() {}

  /** The SHA-256 of {@code namespace NUL name} in UTF-8 (NUL cannot end a namespace). */
  static byte[] digest(String namespace, String name) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    sha.update(namespace.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    // Lone surrogates would map to '?' in UTF-8 and collide: hash UTF-16 code units instead.
    byte[] units = new byte[name.length() * 2];
    ByteBuffer.wrap(units).asCharBuffer().put(name);
    return sha.digest(units);
  }

  /** PostgreSQL's advisory key: the first 64 bits of the digest. */
  static long advisoryKey(String namespace, String name) {
    return ByteBuffer.wrap(digest(namespace, name)).getLong();
  }

  /** A MySQL/MariaDB lock name: {@code baton:} and 58 lower-case hex digits (232 bits). */
  static String mysqlName(String namespace, String name) {
    String hex = HEX.formatHex(digest(namespace, name));
    return MYSQL_PREFIX + hex.substring(0, MYSQL_NAME_LIMIT - MYSQL_PREFIX.length());
  }

  /**
   * The name as the lock table's {@code lock_name} column shows it, for people reading the
   * table (the key is {@link #tableKey}): NUL, which PostgreSQL text cannot hold, and unpaired
   * surrogates, which UTF-8 cannot, become U+FFFD. Not injective, and need not be.
   */
  static String displayName(String name) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1));
      boolean bad = c == '\0' || (!pair && Character.isSurrogate(c));
      if (bad && out == null) {
        out = new StringBuilder(name.length()).append(name, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
        if (pair) {
          out.append(name.charAt(i + 1));
        }
      }
      if (pair) {
        i++;
      }
    }
    return out == null ? name : out.toString();
  }

  /** The lock table's key: 64 lower-case hex digits, the whole digest. */
  static String tableKey(String namespace, String name) {
    return HEX.formatHex(digest(namespace, name));
  }
}
