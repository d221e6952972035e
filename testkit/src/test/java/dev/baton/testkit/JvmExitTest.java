package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What happens to servers when the test JVM ends, normally or killed hard. */
@Timeout(60)
class JvmExitTest {

  @Test
  void theShutdownHookStopsSharedAndPrivateServersAndDeletesTheirDirs() throws Exception {
    for (String kind : List.of("shared", "private")) {
      Process child = child("exit", kind);
      try {
        Path dir = dirOf(child);
        ProcessHandle server = PidFile.live(dir.resolve(WorkDirs.SERVER_PID)).orElseThrow();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM exits");
        assertEquals(0, child.exitValue());
        assertTrue(Signals.awaitExit(List.of(server), Duration.ofSeconds(10)),
            kind + " server stopped by the hook");
        assertFalse(Files.exists(dir), kind + " server dir deleted by the hook");
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void aServerLeftByAKilledJvmIsReapedByTheNextOne() throws Exception {
    Process child = child("wait", "private");
    Path dir;
    ProcessHandle server;
    try {
      dir = dirOf(child);
      server = PidFile.live(dir.resolve(WorkDirs.SERVER_PID)).orElseThrow();
    } finally {
      child.destroyForcibly();
    }
    assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    try {
      assertTrue(server.isAlive(), "SIGKILL of the JVM leaves its server behind");
      assertTrue(StaleReaper.reap(WorkDirs.tmpRoot()) >= 1);
      assertTrue(Signals.awaitExit(List.of(server), Duration.ofSeconds(10)), "server reaped");
      assertFalse(Files.exists(dir), "dir reaped");
    } finally {
      server.destroyForcibly();
    }
  }

  private static Process child(String mode, String kind) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ChildJvm.class.getName(), mode, kind)
        .redirectErrorStream(true)
        .start();
  }

  /** Reads the child's output until it names the server's dir (bounded by the test timeout). */
  private static Path dirOf(Process child) throws IOException {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("DIR ")) {
        Path dir = Path.of(line.substring(4));
        assertNotNull(dir);
        return dir;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("child JVM printed no DIR line:\n" + seen);
  }
}
