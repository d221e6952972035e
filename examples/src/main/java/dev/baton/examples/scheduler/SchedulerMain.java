package dev.baton.examples.scheduler;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.examples.launcher.Flags;
import dev.baton.examples.launcher.ServiceRunner;
import dev.baton.tx.Transactor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * One instance of the video upload scheduler (seed 003). Flags (or {@code BATON_*} variables):
 * {@code --jdbc URL} the database (H2, PostgreSQL or MariaDB; user and password in the URL or
 * {@code --jdbc-user}/{@code --jdbc-password}), {@code --port N} (default: any free port).
 *
 * <pre>{@code
 * java -cp ... dev.baton.examples.scheduler.SchedulerMain --jdbc jdbc:postgresql://localhost/app
 * }</pre>
 */
public final class SchedulerMain {
  private SchedulerMain() {}

  public static void main(String[] args) throws Exception {
    Flags flags = Flags.parse(args);
    String url = flags.get("jdbc").orElse("jdbc:h2:mem:scheduler;DB_CLOSE_DELAY=-1");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    flags.get("jdbc-user").ifPresent(config::setUsername);
    flags.get("jdbc-password").ifPresent(config::setPassword);
    config.setMaximumPoolSize(8);
    config.setPoolName("scheduler");
    HikariDataSource pool = new HikariDataSource(config);
    // Bookings of one day queue on that day's quota rows: wait for them, bounded.
    Transactor tx = Transactor.builder(pool).lockTimeout(Duration.ofSeconds(10)).build();
    ScheduleBook book = new ScheduleBook(tx);
    book.createSchema();
    ServiceRunner.serve("scheduler", flags, new SchedulerHttp(book, Clock.systemDefaultZone()),
        List.of(pool));
  }
}
