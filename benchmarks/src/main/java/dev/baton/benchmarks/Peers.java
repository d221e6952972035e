package dev.baton.benchmarks;

import java.net.URI;
import java.time.Duration;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.jdbi.v3.core.Jdbi;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The peers Baton is measured against, configured in one place and alike: the same lease
 * ({@link #LEASE}), no retries, one connection (or the same pool) per client, and no Spring
 * context (each built directly, as a user without Spring Boot would).
 */
final class Peers {
  /** The lease every lock benchmark asks for, Baton's and the peers'. */
  static final Duration LEASE = Duration.ofSeconds(30);

  private Peers() {}

  /** Redisson on one server: one connection for commands, one for pub-sub, no retries. */
  static RedissonClient redisson(String redisUri) {
    URI uri = URI.create(redisUri);
    Config config = new Config();
    config.useSingleServer()
        .setAddress("redis://" + uri.getHost() + ":" + uri.getPort())
        .setConnectionPoolSize(1)
        .setConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(1)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setRetryAttempts(0);
    config.setLockWatchdogTimeout(LEASE.toMillis());
    return Redisson.create(config);
  }

  /**
   * Redisson with its default pools (64 connections, 50 for pub-sub) and retries, for many
   * threads at once: with one connection each and no retries, Redisson refuses concurrent lock
   * waiters ("Unable to acquire connection for subscription").
   */
  static RedissonClient redissonForManyThreads(String redisUri) {
    URI uri = URI.create(redisUri);
    Config config = new Config();
    config.useSingleServer().setAddress("redis://" + uri.getHost() + ":" + uri.getPort());
    config.setLockWatchdogTimeout(LEASE.toMillis());
    return Redisson.create(config);
  }

  /** A Spring Data Redis connection factory on Jedis, started. */
  static JedisConnectionFactory springRedis(String redisUri) {
    URI uri = URI.create(redisUri);
    JedisConnectionFactory factory =
        new JedisConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
    factory.afterPropertiesSet();
    factory.start();
    return factory;
  }

  /** Spring Integration's Redis lock registry, in the given mode, leases of {@link #LEASE}. */
  static RedisLockRegistry redisLockRegistry(
      JedisConnectionFactory factory, RedisLockRegistry.RedisLockType type) {
    RedisLockRegistry registry = new RedisLockRegistry(factory, "bench-spring", LEASE.toMillis());
    registry.setRedisLockType(type);
    return registry;
  }

  /** ShedLock's JDBC-template provider on the database's own clock (its default table). */
  static JdbcTemplateLockProvider shedLock(DataSource ds) {
    return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
        .withJdbcTemplate(new JdbcTemplate(ds))
        .usingDbTime()
        .build());
  }

  /** Spring Integration's JDBC lock registry on its default table, leases of {@link #LEASE}. */
  static JdbcLockRegistry jdbcLockRegistry(DataSource ds) {
    DefaultLockRepository repository = new DefaultLockRepository(ds);
    repository.setTransactionManager(new DataSourceTransactionManager(ds));
    repository.afterPropertiesSet();
    repository.afterSingletonsInstantiated();
    repository.start();
    return new JdbcLockRegistry(repository, LEASE);
  }

  static TransactionTemplate transactionTemplate(DataSource ds) {
    return new TransactionTemplate(new DataSourceTransactionManager(ds));
  }

  static Jdbi jdbi(DataSource ds) {
    return Jdbi.create(ds);
  }
}
