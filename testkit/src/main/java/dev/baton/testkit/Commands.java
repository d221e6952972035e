package dev.baton.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs helper commands (initdb, mariadb-install-db, kill) to completion. */
final class Commands {
  static final File DEV_NULL = new File("/dev/null");

  private Commands() {}

  /** The command line as a shell would show it, for messages. */
  static String format(List<String> command) {
    return command.stream().map(Commands::quote).collect(Collectors.joining(" "));
  }

  private static String quote(String arg) {
    if (!arg.isEmpty() && arg.chars().noneMatch(c -> " \t\"'\\$`;&|<>*?()".indexOf(c) >= 0)) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /**
   * Runs {@code command} in {@code workDir}, its output appended to {@code log}, optionally
   * feeding {@code stdin}; throws a {@link StartFailure} with the log tail unless it exits 0
   * within {@code timeout}.
   */
  static void run(String what, List<String> command, Path workDir, Path log, String stdin,
      Duration timeout) {
    long offset = LogFiles.size(log);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new StartFailure(what + " could not be started: " + e.getMessage()
          + "\ncommand: " + format(command), e);
    }
    try {
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new StartFailure(what + " did not finish within " + timeout + "\ncommand: "
            + format(command) + "\n" + LogFiles.tailBlock(log, offset), null);
      }
    } catch (IOException e) {
      process.destroyForcibly();
      throw new StartFailure(what + " failed: " + e.getMessage() + "\ncommand: "
          + format(command) + "\n" + LogFiles.tailBlock(log, offset), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new StartFailure(what + " was interrupted\ncommand: " + format(command), e);
    }
    if (process.exitValue() != 0) {
      throw new StartFailure(what + " exited with code " + process.exitValue() + "\ncommand: "
          + format(command) + "\n" + LogFiles.tailBlock(log, offset), null);
    }
  }

  /** Runs a short command and returns its output; throws unless it exits 0 within 10 s. */
  static String output(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
        .start();
    try {
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(format(command) + " did not finish within 10 s");
      }
      String text = new String(out, StandardCharsets.UTF_8).trim();
      if (process.exitValue() != 0) {
        throw new IOException(format(command) + " exited with code " + process.exitValue()
            + (text.isEmpty() ? "" : ": " + text));
      }
      return text;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(format(command) + " was interrupted", e);
    }
  }
}
