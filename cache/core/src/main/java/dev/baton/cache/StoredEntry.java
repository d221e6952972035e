package dev.baton.cache;

import java.nio.ByteBuffer;

/**
 * The bytes a cache keeps in its {@link CacheStore}: a small header, then the codec's bytes of
 * the value. Every instance computes XFetch from the same expiry and load time.
 *
 * <pre>
 * byte    version (1)
 * byte    flags: bit 0 = absent (negative entry, no value bytes follow)
 * long    expiry, epoch milliseconds (the clock of the instance that loaded it)
 * long    duration of the load that produced it, nanoseconds
 * byte[]  the value, as the codec encoded it
 * </pre>
 *
 * <p>Immutable.
 */
record StoredEntry(byte[] value, long expiresAtMillis, long loadNanos) {
  private static final byte VERSION = 1;
  private static final int HEADER = 2 + 8 + 8;

  boolean absent() {
    return value == null;
  }

  byte[] toBytes() {
    int length = value == null ? 0 : value.length;
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + length);
    buffer.put(VERSION).put((byte) (value == null ? 1 : 0));
    buffer.putLong(expiresAtMillis).putLong(loadNanos);
    if (value != null) {
      buffer.put(value);
    }
    return buffer.array();
  }

  /** Reads what {@link #toBytes} wrote; throws {@link IllegalArgumentException} for anything else. */
  static StoredEntry fromBytes(byte[] bytes) {
    if (bytes.length < HEADER || bytes[0] != VERSION) {
      throw new IllegalArgumentException("not a cache entry of version " + VERSION + " ("
          + bytes.length + " bytes" + (bytes.length > 0 ? ", version " + bytes[0] : "") + ")");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    boolean absent = (buffer.get(1) & 1) != 0;
    buffer.position(2);
    long expiresAt = buffer.getLong();
    long loadNanos = buffer.getLong();
    byte[] value = null;
    if (!absent) {
      value = new byte[buffer.remaining()];
      buffer.get(value);
    }
    return new StoredEntry(value, expiresAt, loadNanos);
  }
}
