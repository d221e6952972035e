package dev.baton.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.tx.BatchOptions;
import dev.baton.tx.BatchReport;
import dev.baton.tx.BatchWork;
import dev.baton.tx.DailyCounter;
import dev.baton.tx.Transactor;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A tour of {@link Transactor} on an in-memory H2 database behind a HikariCP pool: twelve
 * concurrent requests against a daily quota of five, and an import in batches where one batch
 * fails and is resumed.
 *
 * <p>Run it with
 * {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.baton.examples.TransactionsDemo}.
 */
public final class TransactionsDemo {
  private static final int REQUESTS = 12;
  private static final int DAILY_LIMIT = 5;

  private TransactionsDemo() {}

  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(4);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      Transactor tx = Transactor.create(pool);
      quotaIsNeverOverbooked(tx);
      importInBatches(tx);
      System.out.printf("%nDone. Connections in use: %d%n",
          pool.getHikariPoolMXBean().getActiveConnections());
    }
  }

  /** Twelve requests at once for a quota of five a day: exactly five get through. */
  private static void quotaIsNeverOverbooked(Transactor tx) throws Exception {
    DailyCounter uploads = DailyCounter.of("upload_quota");
    tx.useTransaction(uploads::createTable);
    LocalDate today = LocalDate.now();
    System.out.println("== " + REQUESTS + " concurrent uploads, daily limit " + DAILY_LIMIT);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService requests = Executors.newFixedThreadPool(REQUESTS);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        results.add(requests.submit(() -> {
          start.await();
          return tx.inTransaction(c -> uploads.tryReserve(c, "customer-42", today, 1, DAILY_LIMIT));
        }));
      }
      start.countDown();
      int accepted = 0;
      for (Future<Boolean> result : results) {
        accepted += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      int used = tx.inTransaction(c -> uploads.used(c, "customer-42", today));
      System.out.printf("  accepted %d, refused %d; the counter says %d%n", accepted,
          REQUESTS - accepted, used);
    } finally {
      requests.shutdownNow();
    }
  }

  /** 10 rows in batches of 3; the batch holding a bad row fails alone and is resumed. */
  private static void importInBatches(Transactor tx) throws SQLException {
    System.out.println("\n== importing 10 rows in batches of 3, row 4 is bad the first time");
    tx.useTransaction(c -> c.createStatement().execute(
        "CREATE TABLE imported (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)"));
    List<String> rows = Arrays.asList("ada", "bob", "cy", "dee", null, "eve", "fay", "gus", "hal", "ivy");
    BatchReport report = tx.inBatches(rows, BatchOptions.size(3), importer(rows));
    System.out.println("  " + report);
    report.failed().forEach(b -> System.out.printf("  batch %d (rows %d..%d) rolled back: %s%n",
        b.index(), b.fromIndex(), b.toIndex() - 1, b.failure().getMessage()));
    List<String> fixed = new ArrayList<>(rows);
    fixed.set(4, "eli");
    report = tx.inBatches(fixed, BatchOptions.size(3).resume(report), importer(fixed));
    System.out.println("  after the fix, resumed: " + report);
  }

  private static BatchWork<String, SQLException> importer(List<String> all) {
    return (c, batch) -> {
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO imported (id, name) VALUES (?, ?)")) {
        for (String name : batch) {
          insert.setInt(1, all.indexOf(name));
          insert.setString(2, name);
          insert.executeUpdate();
        }
      }
    };
  }
}
