package dev.baton.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops every server still alive when the JVM exits, in parallel, from one shutdown hook. Shared
 * servers are only ever stopped here; private ones unregister when closed. Thread-safe.
 */
final class Cleanup {
  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);
  private static final Set<Backend> LIVE = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOKED = new AtomicBoolean();
  private static final Duration HOOK_WAIT = Duration.ofSeconds(30);

  private Cleanup() {}

  static void register(Backend backend) {
    if (HOOKED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "baton-testkit-cleanup"));
    }
    LIVE.add(backend);
  }

  static void unregister(Backend backend) {
    LIVE.remove(backend);
  }

  private static void closeAll() {
    List<Thread> threads = new ArrayList<>();
    for (Backend backend : LIVE) {
      Thread thread = new Thread(() -> {
        try {
          backend.close();
        } catch (RuntimeException e) {
          LOG.warn("Cannot stop {}: {}", backend.describe(), e.toString());
        }
      }, "baton-testkit-stop");
      thread.start();
      threads.add(thread);
    }
    long deadline = System.nanoTime() + HOOK_WAIT.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
