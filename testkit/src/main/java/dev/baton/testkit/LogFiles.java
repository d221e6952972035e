package dev.baton.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Reads server log files: what was written since an offset, and the last lines. */
final class LogFiles {
  static final int TAIL_LINES = 40;
  /** Never read more than this from one log at a time. */
  private static final int MAX_READ = 256 * 1024;

  private LogFiles() {}

  /** Current size of the file, 0 when it does not exist yet. */
  static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Text written to the file after {@code offset} (at most the last 256 KiB of it). */
  static String readSince(Path file, long offset) {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long end = in.length();
      long start = Math.max(Math.max(0, offset), end - MAX_READ);
      if (start >= end) {
        return "";
      }
      byte[] bytes = new byte[(int) (end - start)];
      in.seek(start);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** True when the text written after {@code offset} contains {@code needle}, ignoring case. */
  static boolean containsSince(Path file, long offset, String needle) {
    return readSince(file, offset).toLowerCase(Locale.ROOT)
        .contains(needle.toLowerCase(Locale.ROOT));
  }

  /** The last {@link #TAIL_LINES} lines written after {@code offset}. */
  static String tail(Path file, long offset) {
    String text = readSince(file, offset);
    if (text.isEmpty()) {
      return Files.exists(file) ? "(empty)" : "(no log file)";
    }
    List<String> lines = Arrays.asList(text.split("\\R"));
    return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()).stream()
        .collect(Collectors.joining("\n"));
  }

  /** A message block: "log FILE (last N lines):" followed by the lines. */
  static String tailBlock(Path file, long offset) {
    return "log " + file + " (last " + TAIL_LINES + " lines):\n" + tail(file, offset);
  }
}
