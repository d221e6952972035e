package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StaleReaperTest {

  @TempDir
  Path root;

  @Test
  void killsTheServerOfADeadOwnerAndDeletesItsDirectory() throws Exception {
    Process deadOwner = new ProcessBuilder("true").start();
    ProcessHandle deadHandle = deadOwner.toHandle();
    assertTrue(deadOwner.waitFor(10, TimeUnit.SECONDS));
    Process server = new ProcessBuilder("sleep", "60").start();
    try {
      Path stale = Files.createDirectory(root.resolve(WorkDirs.PREFIX + "redis-1"));
      PidFile.write(stale.resolve(WorkDirs.OWNER_PID), deadHandle);
      PidFile.write(stale.resolve(WorkDirs.SERVER_PID), server.toHandle());
      Files.writeString(stale.resolve("redis.log"), "old log");

      assertEquals(1, StaleReaper.reap(root));
      assertTrue(server.waitFor(10, TimeUnit.SECONDS), "the stale server was killed");
      assertFalse(Files.exists(stale));
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void leavesLiveOwnersAndFreshUnownedDirectoriesAlone() throws Exception {
    Process server = new ProcessBuilder("sleep", "60").start();
    try {
      Path mine = Files.createDirectory(root.resolve(WorkDirs.PREFIX + "etcd-1"));
      PidFile.write(mine.resolve(WorkDirs.OWNER_PID), ProcessHandle.current());
      PidFile.write(mine.resolve(WorkDirs.SERVER_PID), server.toHandle());
      Path fresh = Files.createDirectory(root.resolve(WorkDirs.PREFIX + "postgres-2"));
      Path other = Files.createDirectory(root.resolve("someone-else"));

      assertEquals(0, StaleReaper.reap(root));
      assertTrue(server.isAlive());
      assertTrue(Files.exists(mine) && Files.exists(fresh) && Files.exists(other));

      Files.setLastModifiedTime(fresh, FileTime.from(
          Instant.now().minus(StaleReaper.UNOWNED_GRACE).minusSeconds(60)));
      assertEquals(1, StaleReaper.reap(root));
      assertFalse(Files.exists(fresh));
      assertTrue(Files.exists(other));
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void aReusedPidIsNotMistakenForTheOriginalProcess() throws Exception {
    Path file = root.resolve("server.pid");
    // This JVM's pid, but a start time long before it started: another process then.
    Files.writeString(file, ProcessHandle.current().pid() + "\n" + 1_000L + "\n");
    assertTrue(PidFile.live(file).isEmpty());
    PidFile.write(file, ProcessHandle.current());
    assertEquals(ProcessHandle.current().pid(), PidFile.live(file).orElseThrow().pid());
  }

  @Test
  void serverDirectoriesCarryOwnerAndServerPids() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      Path dir = server.logFile().getParent();
      assertTrue(dir.getFileName().toString().startsWith(WorkDirs.PREFIX + "redis-"));
      assertEquals(WorkDirs.tmpRoot(), dir.getParent());
      assertEquals(ProcessHandle.current().pid(),
          PidFile.live(dir.resolve(WorkDirs.OWNER_PID)).orElseThrow().pid());
      ProcessHandle process = PidFile.live(dir.resolve(WorkDirs.SERVER_PID)).orElseThrow();
      assertTrue(process.isAlive());
      server.close();
      assertFalse(Files.exists(dir), "close() deletes the temp dir");
      assertTrue(Signals.awaitExit(List.of(process), Duration.ofSeconds(5)));
    }
  }
}
