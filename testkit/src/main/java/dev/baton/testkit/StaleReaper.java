package dev.baton.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after test JVMs that died without running their shutdown hooks (a surefire fork
 * killed hard): for every {@code baton-testkit-*} directory whose owner JVM is gone, kills the
 * server process tree if it still runs and deletes the directory.
 */
final class StaleReaper {
  /** A directory without owner.pid is only reaped when older than this (it may be brand new). */
  static final Duration UNOWNED_GRACE = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(StaleReaper.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private StaleReaper() {}

  /** Reaps under {@code root}; returns how many directories were deleted. Never throws. */
  static int reap(Path root) {
    int reaped = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, WorkDirs.PREFIX + "*")) {
      for (Path dir : dirs) {
        try {
          if (Files.isDirectory(dir) && isStale(dir)) {
            reapOne(dir);
            reaped++;
          }
        } catch (IOException | RuntimeException e) {
          LOG.debug("Leaving {} alone: {}", dir, e.toString());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot scan {} for stale testkit directories: {}", root, e.toString());
    }
    return reaped;
  }

  private static boolean isStale(Path dir) throws IOException {
    Path owner = dir.resolve(WorkDirs.OWNER_PID);
    try {
      return PidFile.live(owner).isEmpty();
    } catch (NoSuchFileException e) {
      Instant modified = Files.getLastModifiedTime(dir).toInstant();
      return modified.isBefore(Instant.now().minus(UNOWNED_GRACE));
    }
  }

  private static void reapOne(Path dir) throws IOException {
    Optional<ProcessHandle> server;
    try {
      server = PidFile.live(dir.resolve(WorkDirs.SERVER_PID));
    } catch (NoSuchFileException e) {
      server = Optional.empty();
    }
    if (server.isPresent()) {
      LOG.info("Killing stale test server pid {} left behind in {}", server.get().pid(), dir);
      Signals.killTree(Signals.tree(server.get()), KILL_WAIT);
    }
    LOG.info("Deleting stale testkit directory {}", dir);
    WorkDirs.delete(dir);
  }
}
