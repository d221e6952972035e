package dev.baton.locks.jdbc;

import dev.baton.locks.FallbackLockProvider;
import dev.baton.locks.LockProvider;
import dev.baton.locks.redis.RedisLockProvider;
import dev.baton.testkit.faults.FaultBackend;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * JDBC for the fault suite's worker JVMs. Properties: {@code url}, {@code user},
 * {@code password}, {@code strategy} (a {@link JdbcLockProvider.Strategy} name); with
 * {@code redis} (a URI) the provider is a {@link FallbackLockProvider} from that Redis to the
 * database, declared shared ({@code sharedFallback}, the longest lease {@code maxLeaseMs}, by
 * default the suite's 1.5 s).
 */
public final class JdbcFaultBackend implements FaultBackend {
  /** For the worker JVMs. */
  public JdbcFaultBackend() {}

  @Override
  public LockProvider create(Map<String, String> p) throws Exception {
    JdbcLockProvider jdbc = JdbcLockProvider.builder(dataSource(p))
        .strategy(JdbcLockProvider.Strategy.valueOf(p.get("strategy")))
        .timeout(Duration.ofSeconds(2))
        .build();
    String redis = p.get("redis");
    if (redis == null) {
      return jdbc;
    }
    return FallbackLockProvider.builder(
            RedisLockProvider.builder(redis).timeout(Duration.ofMillis(400)).build(), jdbc)
        .switchAfter(Duration.ofMillis(300))
        .probeInterval(Duration.ofMillis(200))
        .sharedFallback(Duration.ofMillis(Long.parseLong(p.getOrDefault("maxLeaseMs", "1500"))))
        .build();
  }

  private static DataSource dataSource(Map<String, String> p) throws Exception {
    String url = p.get("url");
    if (url.startsWith("jdbc:mariadb:")) {
      MariaDbDataSource ds = new MariaDbDataSource(url);
      ds.setUser(p.get("user"));
      ds.setPassword(p.get("password"));
      return ds;
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(p.get("user"));
    ds.setPassword(p.get("password"));
    ds.setConnectTimeout(2);
    ds.setSocketTimeout(5);
    return ds;
  }
}
