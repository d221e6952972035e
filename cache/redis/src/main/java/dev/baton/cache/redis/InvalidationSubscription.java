package dev.baton.cache.redis;

import dev.baton.cache.CacheStore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * One cache's subscription to its invalidation channel: a daemon thread holding one
 * connection. When the connection drops (or the first attempt fails) it resubscribes with a
 * growing back-off (50 ms to 2 s) and, once subscribed, tells the cache, which clears its local
 * tier: messages published in between were lost. Thread-safe.
 */
final class InvalidationSubscription implements CacheStore.Subscription {
  private static final Logger log = LoggerFactory.getLogger(InvalidationSubscription.class);

  private final UnifiedJedis jedis;
  private final String channel;
  private final CacheStore.Subscriber subscriber;
  private final Thread thread;
  private volatile Listener listener;
  private volatile boolean closed;
  // Only the subscriber thread touches it: true once a subscription attempt failed or ended,
  // so the next successful one must tell the cache that messages may have been missed.
  private boolean mayHaveMissed;

  private InvalidationSubscription(UnifiedJedis jedis, String channel,
      CacheStore.Subscriber subscriber) {
    this.jedis = jedis;
    this.channel = channel;
    this.subscriber = subscriber;
    this.thread = new Thread(this::run, "baton-cache-subscriber-" + channel);
    this.thread.setDaemon(true);
  }

  static InvalidationSubscription start(UnifiedJedis jedis, String channel,
      CacheStore.Subscriber subscriber) {
    InvalidationSubscription subscription = new InvalidationSubscription(jedis, channel, subscriber);
    subscription.thread.start();
    return subscription;
  }

  private void run() {
    long backoffMillis = 50;
    while (!closed) {
      Listener current = new Listener();
      listener = current;
      try {
        jedis.subscribe(current, channel); // blocks until unsubscribed or the connection fails
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("Invalidation subscription on {} dropped; reconnecting in {} ms: {}", channel,
              backoffMillis, e.toString());
        }
      }
      mayHaveMissed = true;
      if (closed) {
        return;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(backoffMillis);
      } catch (InterruptedException e) {
        return;
      }
      backoffMillis = current.subscribed ? 50 : Math.min(backoffMillis * 2, 2_000);
    }
  }

  @Override
  public void close() {
    closed = true;
    Listener current = listener;
    if (current != null && current.isSubscribed()) {
      try {
        current.unsubscribe();
      } catch (RuntimeException e) {
        log.debug("Unsubscribing from {} failed", channel, e);
      }
    }
    thread.interrupt();
  }

  private final class Listener extends JedisPubSub {
    volatile boolean subscribed;

    @Override
    public void onSubscribe(String subscribedChannel, int count) {
      if (closed) {
        unsubscribe();
        return;
      }
      subscribed = true;
      if (mayHaveMissed) {
        notifyReconnect();
      }
    }

    @Override
    public void onMessage(String messageChannel, String message) {
      try {
        subscriber.onMessage(message);
      } catch (RuntimeException e) {
        log.warn("Invalidation subscriber of {} failed on a message", channel, e);
      }
    }

    private void notifyReconnect() {
      try {
        subscriber.onReconnect();
      } catch (RuntimeException e) {
        log.warn("Invalidation subscriber of {} failed on reconnect", channel, e);
      }
    }
  }
}
