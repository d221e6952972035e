package dev.baton.locks.redis;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Wakes the local waiters of a name when its release is published. One subscriber thread per
 * provider holds one connection, subscribed to the prefix's release channel; waiters hold no
 * connection while they wait. If the subscription drops, every waiter is woken to look again
 * (a release may have been missed) and the subscriber reconnects with a growing back-off.
 *
 * <p>Per name, only one local waiter at a time waits on Redis (the "head"); the others queue
 * behind it in this JVM, so a release wakes one attempt per instance, not one per thread.
 *
 * <p>Thread-safe.
 */
final class ReleaseSignals implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReleaseSignals.class);

  private final UnifiedJedis jedis;
  private final String channel;
  private final ConcurrentHashMap<String, Signal> signals = new ConcurrentHashMap<>();
  private final ReentrantLock state = new ReentrantLock();
  private final Condition subscribedChanged = state.newCondition();
  private Thread subscriber;
  private Listener listener;
  private boolean subscribed;
  private volatile boolean closed;

  ReleaseSignals(UnifiedJedis jedis, String channel) {
    this.jedis = jedis;
    this.channel = channel;
  }

  /** The wake-up state of one name. */
  static final class Signal {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    long generation; // bumped by every release message and every resubscription
    boolean headWaiting; // a local waiter is waiting on Redis for this name
    int users;
  }

  /** Registers interest in {@code name}; pair with {@link #leave}. */
  Signal join(String name) {
    return signals.compute(name, (n, signal) -> {
      Signal s = signal == null ? new Signal() : signal;
      s.users++;
      return s;
    });
  }

  void leave(String name, Signal signal) {
    signals.computeIfPresent(name, (n, s) -> --s.users == 0 ? null : s);
  }

  /**
   * Starts the subscriber if needed and waits, at most {@code maxWait}, until it is subscribed.
   * Returns false if it is not (yet): waiters then rely on re-checking at the holder's expiry.
   */
  boolean ensureSubscribed(Duration maxWait) throws InterruptedException {
    state.lock();
    try {
      if (subscriber == null && !closed) {
        subscriber = new Thread(this::subscribeLoop, "baton-redis-release-subscriber");
        subscriber.setDaemon(true);
        subscriber.start();
      }
      long left = maxWait.toNanos();
      while (!subscribed && !closed && left > 0) {
        left = subscribedChanged.awaitNanos(left);
      }
      return subscribed;
    } finally {
      state.unlock();
    }
  }

  private void subscribeLoop() {
    long backoffMillis = 50;
    while (!closed) {
      Listener current = new Listener();
      state.lock();
      try {
        listener = current;
      } finally {
        state.unlock();
      }
      try {
        jedis.subscribe(current, channel); // blocks until unsubscribed or the connection fails
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("Release subscription on {} dropped; waiters re-check, reconnecting in {} ms: {}",
              channel, backoffMillis, e.toString());
        }
      }
      setSubscribed(false);
      wakeAll();
      if (closed) {
        return;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(backoffMillis);
      } catch (InterruptedException e) {
        return;
      }
      backoffMillis = current.everSubscribed ? 50 : Math.min(backoffMillis * 2, 2_000);
    }
  }

  private void setSubscribed(boolean value) {
    state.lock();
    try {
      subscribed = value;
      subscribedChanged.signalAll();
    } finally {
      state.unlock();
    }
  }

  /** Wakes every waiter of every name, e.g. when messages may have been missed or on close. */
  void wakeAll() {
    for (Signal signal : signals.values()) {
      bump(signal);
    }
  }

  private static void bump(Signal signal) {
    signal.lock.lock();
    try {
      signal.generation++;
      signal.changed.signalAll();
    } finally {
      signal.lock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    Listener current;
    Thread thread;
    state.lock();
    try {
      current = listener;
      thread = subscriber;
      subscribedChanged.signalAll();
    } finally {
      state.unlock();
    }
    if (current != null && current.isSubscribed()) {
      try {
        current.unsubscribe();
      } catch (RuntimeException e) {
        log.debug("Unsubscribing from {} failed", channel, e);
      }
    }
    if (thread != null) {
      thread.interrupt();
    }
    wakeAll();
  }

  private final class Listener extends JedisPubSub {
    volatile boolean everSubscribed;

    @Override
    public void onSubscribe(String subscribedChannel, int count) {
      if (closed) {
        unsubscribe(); // close() ran while this subscription was being set up
        return;
      }
      everSubscribed = true;
      setSubscribed(true);
      wakeAll(); // releases published before the subscription are not missed
    }

    @Override
    public void onMessage(String messageChannel, String name) {
      Signal signal = signals.get(name);
      if (signal != null) {
        bump(signal);
      }
    }
  }
}
