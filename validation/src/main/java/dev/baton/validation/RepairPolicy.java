package dev.baton.validation;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which {@link Repair}s a {@link JsonValidator} may make before it checks the input.
 *
 * <pre>{@code
 * RepairPolicy.all()                                    // every repair (the default)
 * RepairPolicy.strict()                                 // report only, change nothing
 * RepairPolicy.of(Repair.SANITIZE_STRING, Repair.CAP_ARRAY)
 * }</pre>
 *
 * <p>Immutable, and so thread-safe.
 */
public final class RepairPolicy {
  private static final RepairPolicy ALL = new RepairPolicy(EnumSet.allOf(Repair.class));
  private static final RepairPolicy STRICT = new RepairPolicy(EnumSet.noneOf(Repair.class));

  private final Set<Repair> allowed;

  private RepairPolicy(EnumSet<Repair> allowed) {
    this.allowed = Collections.unmodifiableSet(allowed);
  }

  /**
   * {@return the policy of every repair: drop unknown keys, sanitize strings, drop invalid
   * items, cap arrays}
   */
  public static RepairPolicy all() {
    return ALL;
  }

  /**
   * {@return the policy of no repair: the input is checked as it is and every violation is a
   * {@link Problem}}
   */
  public static RepairPolicy strict() {
    return STRICT;
  }

  /**
   * Exactly the given repairs (none given is {@link #strict()}).
   *
   * @param repairs the repairs allowed; duplicates are ignored
   * @return the policy
   * @throws NullPointerException if {@code repairs} is or contains null
   */
  public static RepairPolicy of(Repair... repairs) {
    Objects.requireNonNull(repairs, "repairs");
    EnumSet<Repair> set = EnumSet.noneOf(Repair.class);
    for (Repair repair : repairs) {
      set.add(Objects.requireNonNull(repair, () -> "repairs contains null: " + Arrays.toString(repairs)));
    }
    return new RepairPolicy(set);
  }

  /**
   * Whether this policy allows {@code repair}.
   *
   * @param repair a kind of repair
   * @return true if the validator may make it
   */
  public boolean allows(Repair repair) {
    return allowed.contains(repair);
  }

  /** {@return the repairs this policy allows, unmodifiable} */
  public Set<Repair> allowed() {
    return allowed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RepairPolicy other && allowed.equals(other.allowed);
  }

  @Override
  public int hashCode() {
    return allowed.hashCode();
  }

  @Override
  public String toString() {
    return allowed.isEmpty() ? "RepairPolicy[strict]" : "RepairPolicy" + allowed;
  }
}
