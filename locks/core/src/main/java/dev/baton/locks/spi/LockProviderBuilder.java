package dev.baton.locks.spi;

import dev.baton.locks.Lease;
import dev.baton.locks.LockListener;
import dev.baton.locks.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings every provider's builder shares: the store's name, the ticker of local lease
 * deadlines, and listeners. A backend's builder extends it with its own settings.
 *
 * <p>Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class LockProviderBuilder<B extends LockProviderBuilder<B>> {
  private String storeName;
  private boolean storeNameSet;
  private Ticker ticker;
  private final List<LockListener> listeners = new ArrayList<>();

  /**
   * A builder with no ticker or listeners set.
   *
   * @param defaultStoreName what {@link Lease#store()} reports unless {@link #storeName} is set
   */
  protected LockProviderBuilder(String defaultStoreName) {
    this.storeName = defaultStoreName;
  }

  /**
   * The name reported by {@link Lease#store()} and in events; by default the backend's own
   * (e.g. {@code "redis"}).
   *
   * @param storeName the store name; not blank
   * @return this builder
   * @throws IllegalArgumentException if {@code storeName} is blank
   */
  public final B storeName(String storeName) {
    Objects.requireNonNull(storeName, "storeName must not be null");
    if (storeName.isBlank()) {
      throw new IllegalArgumentException("storeName must not be blank: \"" + storeName + "\"");
    }
    this.storeName = storeName;
    this.storeNameSet = true;
    return self();
  }

  /**
   * The clock of this provider's local lease deadlines ({@link Lease#isValid()},
   * {@link Lease#remaining()}); by default the system's. The store keeps its own time.
   *
   * @param ticker the ticker; not null
   * @return this builder
   */
  public final B ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
    return self();
  }

  /**
   * Adds a listener for this provider's events; listeners are called in the order added.
   *
   * @param listener the listener; not null
   * @return this builder
   */
  public final B listener(LockListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    return self();
  }

  /**
   * Replaces the default store name, unless the caller set one with {@link #storeName}: for a
   * backend that learns which store it talks to only when it builds, e.g. which database.
   *
   * @param storeName the store name to report; not null
   */
  protected final void defaultStoreName(String storeName) {
    if (!storeNameSet) {
      this.storeName = Objects.requireNonNull(storeName, "storeName");
    }
  }

  // Read by AbstractLockProvider's constructor.

  final String storeName() {
    return storeName;
  }

  final Ticker tickerOr(Ticker otherwise) {
    return ticker != null ? ticker : otherwise;
  }

  final List<LockListener> listeners() {
    return List.copyOf(listeners);
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
