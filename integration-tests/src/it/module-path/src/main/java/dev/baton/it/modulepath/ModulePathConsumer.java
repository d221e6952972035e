package dev.baton.it.modulepath;

import dev.baton.cache.StampedeCache;
import dev.baton.cache.redis.JacksonCodec;
import dev.baton.cache.redis.RedisCacheStore;
import dev.baton.it.modulepath.closed.Closed;
import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.RedisServer;
import dev.baton.tx.Transactor;
import dev.baton.validation.JsonValidator;
import dev.baton.validation.ValidationResult;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;

/** Uses each Baton module once, for real, and exits non-zero on the first thing that fails. */
public final class ModulePathConsumer {
  /** What the validator binds: a record in a package opened to Jackson. */
  public record Plant(String species, double confidence) {}

  private ModulePathConsumer() {}

  public static void main(String[] args) throws Exception {
    Module self = ModulePathConsumer.class.getModule();
    check(self.isNamed(), "the consumer runs as a named module");
    System.out.println("[module-path] running as named module " + self.getName());
    String redis = RedisServer.shared().uri();

    try (LockProvider locks = RedisLockProvider.create(redis)) {
      Lease lease = locks.tryAcquire("module-path-check", Duration.ofSeconds(10)).orElseThrow();
      check(lease.isValid() && lease.fencingToken() > 0, "a Redis lease with a token");
      check(locks.tryAcquire("module-path-check", Duration.ofSeconds(10)).isEmpty(),
          "the name is held");
      check(lease.release(), "the lease is released");
      System.out.println("[module-path] locks: acquired token " + lease.fencingToken() + " and released");

      AtomicInteger loads = new AtomicInteger();
      try (RedisCacheStore store = RedisCacheStore.create(redis);
          StampedeCache<String, String> cache = StampedeCache.<String, String>builder("module-path")
              .ttl(Duration.ofSeconds(30))
              .store(store, JacksonCodec.of(String.class))
              .locks(locks)
              .build()) {
        cache.invalidate("rose");
        String first = cache.get("rose", k -> "loaded " + k + " #" + loads.incrementAndGet());
        String second = cache.get("rose", k -> "loaded " + k + " #" + loads.incrementAndGet());
        check(first.equals(second) && loads.get() == 1, "one load, then a hit: " + first + " / " + second);
        System.out.println("[module-path] cache: " + loads.get() + " load for 2 gets");
      }
    }

    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:modulepath;DB_CLOSE_DELAY=-1");
    Transactor tx = Transactor.create(h2);
    int rows = tx.inTransaction(c -> {
      try (var s = c.createStatement()) {
        s.execute("create table plant (name varchar(40))");
        return s.executeUpdate("insert into plant values ('rose'), ('fern')");
      }
    });
    long count = tx.inTransaction(c -> {
      try (var s = c.createStatement(); var r = s.executeQuery("select count(*) from plant")) {
        r.next();
        return r.getLong(1);
      }
    });
    check(rows == 2 && count == 2, "a committed transaction on H2: " + rows + " inserted, " + count + " read");
    System.out.println("[module-path] transactions: " + count + " rows committed on H2");

    ValidationResult<Plant> result = JsonValidator.forRecord(Plant.class)
        .validate("Here you go: {\"species\": \"Rosa canina\", \"confidence\": 0.93}");
    check(result.isValid() && result.orElseThrow().species().equals("Rosa canina"),
        "a record bound from model output: " + result);
    System.out.println("[module-path] validation: bound " + result.orElseThrow());

    try {
      JsonValidator.forRecord(Closed.class);
      check(false, "a record in a package not opened to Jackson is refused");
    } catch (IllegalStateException expected) {
      check(expected.getMessage().contains(
              "opens dev.baton.it.modulepath.closed to com.fasterxml.jackson.databind"),
          "the refusal names the opens directive: " + expected.getMessage());
      System.out.println("[module-path] validation: a closed package is refused with: "
          + expected.getMessage());
    }
    System.out.println("[module-path] all checks passed");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("module-path check failed: " + what);
    }
  }
}
