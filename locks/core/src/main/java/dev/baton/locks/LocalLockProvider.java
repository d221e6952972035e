package dev.baton.locks;

import dev.baton.locks.spi.AbstractLease;
import dev.baton.locks.spi.AbstractLockProvider;
import dev.baton.locks.spi.LockArguments;
import dev.baton.locks.spi.LockProviderBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Leases held in this JVM: the embedded default, and the usual fallback of a
 * {@link FallbackLockProvider}. It excludes callers inside one JVM only; use a networked store
 * when several instances must not do the same thing.
 *
 * <p>Leases expire on their own, tokens strictly increase per name, waiters are woken by the
 * release (no polling), and release never throws. Every provider of the same
 * {@link LocalLockStore} excludes the others; {@link #create()} uses the JVM-wide store.
 *
 * <pre>{@code
 * LockProvider locks = LocalLockProvider.create();
 * try (Lease lease = locks.acquire("invoice:42", Duration.ofSeconds(30))) {
 *   // ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class LocalLockProvider extends AbstractLockProvider {
  private final LocalLockStore lockStore;

  private LocalLockProvider(Builder builder) {
    super(builder, builder.store.ticker());
    this.lockStore = builder.store;
  }

  /**
   * A provider on the JVM-wide store, with the default settings.
   *
   * @return a new provider on {@link LocalLockStore#jvm()}; close it when done
   */
  public static LocalLockProvider create() {
    return builder().build();
  }

  /**
   * A builder, by default on the JVM-wide store.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected Optional<LocalLease> doTryAcquire(String name, Duration leaseTime, long start) {
    LocalLockStore.Grant grant = lockStore.tryGrant(name, LockArguments.nanos(leaseTime));
    return Optional.ofNullable(grant).map(g -> new LocalLease(this, g, leaseTime));
  }

  @Override
  protected Optional<LocalLease> doAwait(String name, Duration leaseTime, long deadline)
      throws InterruptedException {
    LocalLockStore.Grant grant =
        lockStore.awaitGrant(name, LockArguments.nanos(leaseTime), deadline, this::isClosed);
    if (grant == null && isClosed()) {
      throw closedException();
    }
    return Optional.ofNullable(grant).map(g -> new LocalLease(this, g, leaseTime));
  }

  @Override
  protected void wakeWaiters() {
    lockStore.wakeAll();
  }

  private final class LocalLease extends AbstractLease {
    private final LocalLockStore.Grant grant;

    LocalLease(LocalLockProvider provider, LocalLockStore.Grant grant, Duration leaseTime) {
      // On the store's own clock the lease counts from the exact moment of the grant.
      super(provider, grant.name, grant.token, leaseTime,
          provider.ticker() == provider.lockStore.ticker() ? grant.grantedAt : provider.ticker().read());
      this.grant = grant;
    }

    @Override
    protected boolean renew(Duration leaseTime) {
      return lockStore.extend(grant, LockArguments.nanos(leaseTime));
    }

    @Override
    protected boolean unlock() {
      return lockStore.release(grant);
    }

    /**
     * The lease ran out here, unreleased: end the grant in the store too, so the name takes no
     * memory. The store's own deadline is at most the safety margin later, and this lease is
     * already invalid and reported lost, so no two valid leases overlap.
     */
    @Override
    protected void ranOut() {
      lockStore.release(grant);
    }
  }

  /**
   * Configures a {@link LocalLockProvider}: the store, and the settings of every provider. The
   * ticker defaults to the store's. Not thread-safe.
   */
  public static final class Builder extends LockProviderBuilder<Builder> {
    private LocalLockStore store = LocalLockStore.jvm();

    private Builder() {
      super("local");
    }

    /**
     * The store to use; by default {@link LocalLockStore#jvm()}. The ticker defaults to this
     * store's.
     *
     * @param store the store whose grants the provider shares; not null
     * @return this builder
     */
    public Builder store(LocalLockStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Builds the provider.
     *
     * @return a new provider on the configured store; close it when done
     */
    public LocalLockProvider build() {
      return new LocalLockProvider(this);
    }
  }
}
