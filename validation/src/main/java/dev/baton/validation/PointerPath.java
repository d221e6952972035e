package dev.baton.validation;

/**
 * A JSON Pointer (RFC 6901) built lazily: a link to the parent's path plus one token. Making a
 * child's path costs one small object whatever the depth or the length of the keys above it; the
 * pointer string is built only by {@link #toString()}, for the few values that get a
 * {@link Problem} or a {@link Change}. (Building every child's full pointer string up front made
 * a 100,000-character key above 20,000 array items cost 2 GB.) Immutable, and so thread-safe.
 */
final class PointerPath {
  static final PointerPath ROOT = new PointerPath(null, null, -1);

  private final PointerPath parent;
  /** The member name, or null for an array index. */
  private final String key;
  private final int index;

  private PointerPath(PointerPath parent, String key, int index) {
    this.parent = parent;
    this.key = key;
    this.index = index;
  }

  PointerPath child(String memberName) {
    return new PointerPath(this, memberName, -1);
  }

  PointerPath child(int arrayIndex) {
    return new PointerPath(this, null, arrayIndex);
  }

  @Override
  public String toString() {
    if (parent == null) {
      return "";
    }
    int depth = 0;
    for (PointerPath p = this; p.parent != null; p = p.parent) {
      depth++;
    }
    PointerPath[] chain = new PointerPath[depth];
    for (PointerPath p = this; p.parent != null; p = p.parent) {
      chain[--depth] = p;
    }
    StringBuilder pointer = new StringBuilder();
    for (PointerPath p : chain) {
      pointer.append('/');
      if (p.key != null) {
        pointer.append(p.key.replace("~", "~0").replace("/", "~1"));
      } else {
        pointer.append(p.index);
      }
    }
    return pointer.toString();
  }
}
