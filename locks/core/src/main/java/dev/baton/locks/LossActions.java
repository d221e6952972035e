package dev.baton.locks;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onLost} actions of a lease that wraps others: each runs exactly once, when the
 * lease is lost, or at once if it is added after that. A failing action is logged with the lock
 * name and does not stop the others.
 *
 * <p>Thread-safe.
 */
final class LossActions {
  private static final Logger log = LoggerFactory.getLogger(LossActions.class);

  private final String name;
  private final List<Runnable> actions = new CopyOnWriteArrayList<>();
  private final AtomicBoolean lost = new AtomicBoolean();

  LossActions(String name) {
    this.name = name;
  }

  void add(Runnable action) {
    Objects.requireNonNull(action, "action");
    actions.add(action);
    if (lost.get() && actions.remove(action)) {
      run(action); // lost before it was added
    }
  }

  boolean isLost() {
    return lost.get();
  }

  /**
   * Marks the lease lost and runs the actions added so far.
   *
   * @return true the first time, false if it was lost already
   */
  boolean fire() {
    if (!lost.compareAndSet(false, true)) {
      return false;
    }
    for (Runnable action : actions) {
      if (actions.remove(action)) { // whoever removes an action runs it: once
        run(action);
      }
    }
    return true;
  }

  private void run(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("An onLost action of lock {} failed", name, e);
    }
  }
}
