package dev.baton.locks.spi;

/** Test access to {@link AbstractLockProvider#heldCount()} from other packages. */
public final class HeldCount {
  private HeldCount() {}

  /** The leases {@code provider} still holds; expired ones are forgotten first. */
  public static int of(AbstractLockProvider provider) {
    return provider.heldCount();
  }
}
