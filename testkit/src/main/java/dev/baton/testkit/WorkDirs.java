package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temp directories of servers: {@code baton-testkit-KIND-*} under {@code java.io.tmpdir}, each
 * with {@code owner.pid} (this JVM) and {@code server.pid} (the server process), so a later JVM
 * can reap what a JVM killed hard left behind. Thread-safe.
 */
final class WorkDirs {
  static final String PREFIX = "baton-testkit-";
  static final String OWNER_PID = "owner.pid";
  static final String SERVER_PID = "server.pid";

  private static final Logger LOG = LoggerFactory.getLogger(WorkDirs.class);
  private static final AtomicBoolean REAPED = new AtomicBoolean();

  private WorkDirs() {}

  static Path tmpRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Reaps stale directories (once per JVM), then creates a fresh one for a server of kind. */
  static Path create(String kind) {
    if (REAPED.compareAndSet(false, true)) {
      StaleReaper.reap(tmpRoot());
    }
    try {
      Path dir = Files.createTempDirectory(tmpRoot(), PREFIX + kind + "-");
      PidFile.write(dir.resolve(OWNER_PID), ProcessHandle.current());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temp directory for " + kind + " under "
          + tmpRoot(), e);
    }
  }

  /** Records the server's pid, replacing an earlier one (after a restart). */
  static void recordServer(Path dir, ProcessHandle server) {
    try {
      PidFile.write(dir.resolve(SERVER_PID), server);
    } catch (IOException e) {
      LOG.warn("Cannot write {} in {}: {}", SERVER_PID, dir, e.toString());
    }
  }

  /** Deletes the directory tree; best effort, logs what it could not delete. */
  static void delete(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException ignored) {
      // Already gone.
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", dir, e.toString());
    }
  }
}
