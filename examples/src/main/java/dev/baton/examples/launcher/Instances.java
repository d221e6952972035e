package dev.baton.examples.launcher;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * N instances of one service, each a JVM process of its own on a free loopback port, started
 * with this JVM's classpath and stopped gracefully (SIGTERM: the service's shutdown hook stops
 * accepting, finishes in-flight requests and closes its leases and pools).
 *
 * <p>Not thread-safe: one launcher thread starts and stops them.
 */
final class Instances implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long STOP_TIMEOUT_SECONDS = 30;

  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path logDir;

  private Instances(Path logDir) {
    this.logDir = logDir;
  }

  /** Starts {@code count} instances of {@code mainClass} with {@code args}; waits until each listens. */
  static Instances start(String mainClass, int count, List<String> args) throws IOException {
    Instances instances = new Instances(Files.createTempDirectory("baton-examples-"));
    try {
      List<CompletableFuture<Integer>> listening = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        listening.add(instances.launch(mainClass, i, args));
      }
      for (CompletableFuture<Integer> port : listening) {
        instances.ports.add(port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
      return instances;
    } catch (Exception e) {
      instances.close();
      throw new IOException("instances of " + mainClass + " did not start; logs in "
          + instances.logDir, e);
    }
  }

  private CompletableFuture<Integer> launch(String mainClass, int index, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx128m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", classpath(),
        "-Dorg.slf4j.simpleLogger.showDateTime=true", mainClass));
    command.addAll(args);
    Path log = logDir.resolve("instance-" + index + ".log");
    Process process = new ProcessBuilder(command)
        .redirectError(log.toFile())
        .start();
    processes.add(process);
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> readPort(process, port), "instance-" + index + "-stdout");
    reader.setDaemon(true);
    reader.start();
    process.onExit().thenRun(() -> port.completeExceptionally(
        new IOException("instance " + index + " exited with " + process.exitValue() + "; see " + log)));
    return port;
  }

  /** Reads the {@code LISTENING <port>} line, then drains the rest so the process never blocks. */
  private static void readPort(Process process, CompletableFuture<Integer> port) {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(ServiceRunner.LISTENING)) {
          port.complete(Integer.parseInt(line.substring(ServiceRunner.LISTENING.length()).trim()));
        }
      }
    } catch (IOException | RuntimeException e) {
      port.completeExceptionally(e);
    }
  }

  /** {@return the instances' base URLs, in start order} */
  List<String> urls() {
    return ports.stream().map(p -> "http://127.0.0.1:" + p).collect(Collectors.toList());
  }

  Path logDir() {
    return logDir;
  }

  /**
   * Stops every instance gracefully and waits for it.
   *
   * @return how many did not stop within the bound and were killed
   */
  int stop() throws InterruptedException {
    processes.forEach(Process::destroy); // SIGTERM: the shutdown hooks run
    int killed = 0;
    for (Process process : processes) {
      if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        killed++;
      }
    }
    processes.clear();
    return killed;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      processes.forEach(Process::destroyForcibly);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This JVM's application classpath. Under {@code exec:java} the project's classes are on the
   * context class loader, not on {@code java.class.path} (which holds Maven's own launcher).
   */
  private static String classpath() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    List<String> entries = new ArrayList<>();
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          if (url.getProtocol().equals("file")) {
            entries.add(new File(url.getPath()).getPath());
          }
        }
      }
    }
    if (entries.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    return String.join(File.pathSeparator, entries);
  }
}
