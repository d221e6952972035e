package dev.baton.examples;

import dev.baton.cache.CacheCodec;
import dev.baton.cache.CacheStats;
import dev.baton.cache.LocalCacheStore;
import dev.baton.cache.StampedeCache;
import dev.baton.locks.LocalLockProvider;
import dev.baton.locks.LocalLockStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plant-ID flow: ten users of each of three instances ask about the same photo at once.
 * Without protection that is thirty calls to a paid identification API; with a
 * {@link StampedeCache} shared by the instances (here an in-JVM store and locks, in production
 * Redis) it is one. Then the API fails, and the cached answer keeps being served.
 */
public final class PlantIdDemo {
  private static final int INSTANCES = 3;
  private static final int USERS = 10;
  private static final CacheCodec<String> TEXT = new CacheCodec<>() {
    @Override
    public byte[] encode(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  private PlantIdDemo() {}

  public static void main(String[] args) throws Exception {
    run();
  }

  /** Runs the flow; returns how many times the plant API was called (one). */
  static int run() throws Exception {
    String photo = "photo-4711";
    System.out.println("\n== Plant ID: " + INSTANCES + " instances x " + USERS
        + " users ask about " + photo + " at once");
    AtomicInteger apiCalls = new AtomicInteger();
    LocalLockStore lockStore = LocalLockStore.create();
    List<StampedeCache<String, String>> instances = new ArrayList<>();
    List<LocalLockProvider> lockClients = new ArrayList<>();
    ExecutorService users = Executors.newFixedThreadPool(INSTANCES * USERS);
    try (LocalCacheStore store = new LocalCacheStore()) {
      for (int i = 0; i < INSTANCES; i++) {
        LocalLockProvider locks = LocalLockProvider.builder().store(lockStore).build();
        lockClients.add(locks);
        instances.add(StampedeCache.<String, String>builder("plant-id")
            .ttl(Duration.ofSeconds(2))
            .staleIfError(Duration.ofHours(1))
            .store(store, TEXT)
            .locks(locks)
            .build());
      }
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch asked = new CountDownLatch(INSTANCES * USERS);
      List<Future<String>> answers = new ArrayList<>();
      for (StampedeCache<String, String> instance : instances) {
        for (int u = 0; u < USERS; u++) {
          answers.add(users.submit(() -> {
            go.await();
            asked.countDown();
            return instance.get(photo, id -> {
              apiCalls.incrementAndGet();
              asked.await(10, TimeUnit.SECONDS); // every user has asked before it answers
              Thread.sleep(300); // the identification API takes its time
              return "Quercus robur (English oak), 97%";
            });
          }));
        }
      }
      go.countDown();
      for (Future<String> answer : answers) {
        answer.get(30, TimeUnit.SECONDS);
      }
      System.out.printf("  %d answers of \"%s\"; the plant API was called %d time(s)%n",
          answers.size(), answers.get(0).get(), apiCalls.get());
      int callsForTheStampede = apiCalls.get();

      Thread.sleep(2_200); // past the TTL; now the API is down
      String stale = instances.get(1).get(photo, id -> {
        apiCalls.incrementAndGet();
        throw new IllegalStateException("plant API: 503 Service Unavailable");
      });
      CacheStats stats = instances.get(1).stats();
      System.out.printf("  after the TTL, with the API down: \"%s\" (stale answers served: %d)%n",
          stale, stats.staleServed());
      return callsForTheStampede;
    } finally {
      users.shutdownNow();
      instances.forEach(StampedeCache::close);
      lockClients.forEach(LocalLockProvider::close);
    }
  }
}
