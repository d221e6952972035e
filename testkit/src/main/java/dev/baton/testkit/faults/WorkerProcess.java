package dev.baton.testkit.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One worker JVM: launched with the current {@code java} binary and class path, its output
 * appended to a file, stopped by closing its standard input. Used by the runner's thread only;
 * not thread-safe.
 */
final class WorkerProcess {
  private static final Duration STATE_WAIT = Duration.ofSeconds(5);

  private final String id;
  private final List<String> command;
  private final Path output;
  private Process process;

  WorkerProcess(String id, List<String> args, Path dir) {
    this.id = id;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx96m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FaultWorker.class.getName());
    command.addAll(args);
    this.command = List.copyOf(command);
    this.output = dir.resolve(id + ".log");
  }

  String id() {
    return id;
  }

  long pid() {
    return process.pid();
  }

  void start() throws IOException {
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGSTOP, then waits (bounded) until /proc says stopped. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
    long deadline = System.nanoTime() + STATE_WAIT.toNanos();
    while (state() != 'T' && state() != 't') {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("Worker " + id + " (pid " + pid()
            + ") did not stop within " + STATE_WAIT + " of SIGSTOP");
      }
      Thread.sleep(5);
    }
  }

  void resume() throws IOException {
    signal("CONT");
  }

  /** SIGKILL and wait (bounded). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(STATE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("Worker " + id + " (pid " + pid() + ") outlived SIGKILL");
    }
  }

  /** Closes stdin (the stop signal); true when it exits within {@code wait}. */
  boolean stop(Duration wait) throws InterruptedException {
    if (!isAlive()) {
      return true;
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Kills what is left, without waiting long. */
  void destroy() {
    if (process != null && process.isAlive()) {
      try {
        resume();
      } catch (IOException | RuntimeException e) {
        // it is killed next anyway
      }
      process.destroyForcibly();
    }
  }

  /** The exit code, or -1 while it runs. */
  int exitCode() {
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  /** The last lines of its output, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(output);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  Path output() {
    return output;
  }

  private void signal(String signal) throws IOException {
    Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + pid())
        .redirectErrorStream(true).start();
    try {
      if (!kill.waitFor(STATE_WAIT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("Cannot send SIG" + signal + " to worker " + id
            + " (pid " + pid() + "): " + new String(kill.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while signalling worker " + id, e);
    }
  }

  private char state() {
    try {
      String text = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      int close = text.lastIndexOf(')');
      return close >= 0 && close + 2 < text.length() ? text.charAt(close + 2) : '?';
    } catch (IOException e) {
      return '?';
    }
  }
}
