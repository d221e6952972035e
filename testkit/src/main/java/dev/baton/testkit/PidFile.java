package dev.baton.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A file holding a pid and the process's start time (epoch millis), so a pid the kernel has
 * since given to another process is not mistaken for the original one.
 */
final class PidFile {
  /** Start times read at different moments may differ by rounding; allow this much. */
  private static final long START_TOLERANCE_MILLIS = 2_000;

  private PidFile() {}

  static void write(Path file, ProcessHandle process) throws IOException {
    long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, process.pid() + "\n" + start + "\n");
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The process named by the file, if the file exists and that very process still runs. */
  static Optional<ProcessHandle> live(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(lines.get(0).trim());
      start = lines.size() > 1 ? Long.parseLong(lines.get(1).trim()) : -1;
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> start < 0 || p.info().startInstant()
            .map(i -> Math.abs(i.toEpochMilli() - start) <= START_TOLERANCE_MILLIS)
            .orElse(true));
  }
}
