package dev.baton.examples.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testkit.JdbcTestServer;
import dev.baton.testkit.MariaDbServer;
import dev.baton.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler flow as the launcher runs it: three instances, each a JVM of its own, fire 50
 * bookings for one date at the shared database. Whatever the interleaving, the day holds 2
 * finals and 4 shorts at most (6 x 1,600 units fit in 10,000), each in its own slot, and the
 * instances leave no connection open when they stop.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SchedulerFlowTest {

  @Test
  void embeddedH2() throws Exception {
    assertHolds(run("scheduler", "--instances", "3"));
  }

  @Test
  void postgresql() throws Exception {
    onServer(PostgresServer.shared(), 10);
  }

  @Test
  void mariadb() throws Exception {
    onServer(MariaDbServer.shared(), 20);
  }

  /** Two rounds on one server, each on a date of its own (the database outlives a round). */
  private static void onServer(JdbcTestServer server, int daysAhead) throws Exception {
    for (int round = 0; round < 2; round++) {
      LocalDate date = LocalDate.now().plusDays(daysAhead + round);
      String output = run("scheduler", "--instances", "3", "--jdbc", server.jdbcUrl(),
          "--jdbc-user", server.user(), "--jdbc-password", server.password(),
          "--date", date.toString());
      assertHolds(output);
      assertTrue(output.contains("date=" + date), output);
    }
  }

  private static void assertHolds(String output) {
    System.out.print(output); // the launcher's report, in the build log
    String result = output.lines().filter(l -> l.startsWith("RESULT scheduler")).findFirst()
        .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + output));
    assertTrue(result.contains(" instances=3 requests=50 "), result);
    assertTrue(result.contains(" accepted=6 over_limit=0 duplicate_slots=0 quota_used=9600"),
        "the limits did not hold:\n" + output);
    assertTrue(output.contains("killed=0 connections_left_open=0"),
        "an instance did not shut down cleanly:\n" + output);
  }

  private static String run(String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      List<String> results = Launcher.run(out, args);
      assertEquals(1, results.size(), bytes.toString(StandardCharsets.UTF_8));
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
