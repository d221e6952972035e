package dev.baton.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server binary run as a private child process on loopback, in its own temp directory, with
 * its output in a log file there. Subclasses say how to prepare the data directory, which
 * command to run and how to tell that the server answers; this class launches, waits (bounded)
 * for readiness, retries on other ports when a port was taken meanwhile, and injects faults.
 * Thread-safe: state changes are serialized by a {@link ReentrantLock}.
 */
abstract class ServerProcess implements Backend {
  static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
  private static final Duration POLL = Duration.ofMillis(25);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;

  private final String name;
  private final Path dir;
  private final Path logFile;
  private final Duration startupTimeout;
  private final RunAs runAs;
  private final ReentrantLock lock = new ReentrantLock();

  private volatile Process process;
  private volatile List<String> commandLine = List.of();
  private volatile long logOffset;
  private volatile Exception lastProbeError;
  private volatile boolean failed;
  private boolean prepared;
  private boolean closed;

  /**
   * @param kind short name for the temp dir and log file, e.g. "redis"
   * @param name the server's name in messages, e.g. "redis-server"
   */
  ServerProcess(String kind, String name, Duration startupTimeout, RunAs runAs) {
    this.name = name;
    this.startupTimeout = startupTimeout;
    this.runAs = runAs;
    this.dir = WorkDirs.create(kind);
    this.logFile = dir.resolve(kind + ".log");
    runAs.chown(dir);
  }

  // ---- What subclasses provide.

  /** Picks fresh ports before a new start attempt; never called before a restart. */
  abstract void choosePorts();

  /** The server's command line for the current ports, without any user switch. */
  abstract List<String> command();

  /** One readiness check: true when the server answers; an exception means "not yet". */
  abstract boolean probe() throws IOException;

  /** One-time work before the first launch, e.g. initdb; runs under the lock. */
  void prepare() {}

  /** The signal asking the server to shut down cleanly. */
  String stopSignal() {
    return "TERM";
  }

  // ---- For subclasses.

  final Path dir() {
    return dir;
  }

  final RunAs runAs() {
    return runAs;
  }

  final Duration startupTimeout() {
    return startupTimeout;
  }

  /** Where the log of the current launch starts. */
  final long logOffset() {
    return logOffset;
  }

  /** True when the current launch has written {@code needle} to the log (ignoring case). */
  final boolean logSays(String needle) {
    return LogFiles.containsSince(logFile, logOffset, needle);
  }

  // ---- Lifecycle.

  /**
   * Prepares, launches and waits until ready; starts again on other ports (at most 3 times) if
   * the port was taken meanwhile. On failure the process is killed and the exception carries the
   * command line and log tail; the directory stays (for the full log) until JVM exit.
   */
  final void start() {
    lock.lock();
    try {
      checkUsable();
      Cleanup.register(this);
      long started = System.nanoTime();
      for (int attempt = 1; ; attempt++) {
        choosePorts();
        launchLocked();
        try {
          awaitReady(List.of(this), startupTimeout);
          LOG.info("Started {} in {} ms", describe(),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
          return;
        } catch (StartFailure failure) {
          stopLocked(false);
          if (!failure.addressInUse() || attempt >= START_ATTEMPTS) {
            throw failure;
          }
          LOG.info("{}: port {} was taken meanwhile; starting again on another port", name,
              port());
        }
      }
    } catch (RuntimeException e) {
      failLocked();
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Launches without waiting, for callers that start several servers at once (a cluster). */
  final void launch() {
    lock.lock();
    try {
      checkUsable();
      Cleanup.register(this);
      launchLocked();
    } catch (RuntimeException e) {
      failLocked();
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Marks a server whose start failed: killed, fault methods refused, files kept until exit. */
  final void fail() {
    lock.lock();
    try {
      failLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every server answers. Fails as soon as one exits, or when {@code timeout} passes;
   * the failure names that server's command line and log tail.
   */
  static void awaitReady(List<? extends ServerProcess> servers, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ServerProcess> pending = new ArrayList<>(servers);
    while (true) {
      for (Iterator<ServerProcess> it = pending.iterator(); it.hasNext(); ) {
        if (it.next().checkReady()) {
          it.remove();
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        ServerProcess late = pending.get(0);
        throw late.failure("was not ready within " + timeout, late.lastProbeError);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw pending.get(0).failure("was interrupted while waiting until ready", e);
      }
    }
  }

  private boolean checkReady() {
    Process current = process;
    try {
      if (probe()) {
        lastProbeError = null;
        return true;
      }
    } catch (IOException | RuntimeException e) {
      lastProbeError = e;
    }
    if (current == null || !current.isAlive()) {
      String code = current == null ? "?" : Integer.toString(current.exitValue());
      throw failure("exited with code " + code + " before it was ready", null);
    }
    return false;
  }

  private void launchLocked() {
    if (!prepared) {
      prepare();
      prepared = true;
    }
    List<String> command = runAs.wrap(command());
    logOffset = LogFiles.size(logFile);
    commandLine = command;
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Commands.DEV_NULL));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new StartFailure(name + " could not be launched: " + e.getMessage() + "\ncommand: "
          + Commands.format(command), e);
    }
    WorkDirs.recordServer(dir, process.toHandle());
  }

  /** A failure naming the command line and the tail of this launch's log. */
  final StartFailure failure(String reason, Throwable cause) {
    boolean inUse = logSays("address already in use");
    StringBuilder message = new StringBuilder()
        .append(name).append(" on ").append(host()).append(':').append(port()).append(' ')
        .append(reason);
    if (inUse) {
      message.append(" (its port was taken)");
    }
    if (cause != null) {
      message.append("\nlast readiness check: ").append(cause);
    }
    message.append("\ncommand: ").append(Commands.format(commandLine))
        .append('\n').append(LogFiles.tailBlock(logFile, logOffset));
    return new StartFailure(message.toString(), inUse, cause);
  }

  private void failLocked() {
    failed = true;
    stopLocked(false);
  }

  // ---- Faults.

  @Override
  public void pause() {
    lock.lock();
    try {
      Signals.stopTree(requireRunning("pause").toHandle());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resume() {
    lock.lock();
    try {
      Signals.continueTree(requireRunning("resume").toHandle());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void kill() {
    lock.lock();
    try {
      stopLocked(false);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void restart() {
    lock.lock();
    try {
      checkUsable();
      stopLocked(true);
      launchLocked();
      try {
        awaitReady(List.of(this), startupTimeout);
      } catch (StartFailure e) {
        stopLocked(false);
        throw e;
      }
      LOG.info("Restarted {}", describe());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      long started = System.nanoTime();
      stopLocked(true);
      LOG.debug("Stopped {} in {} ms", describe(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } finally {
      lock.unlock();
    }
    Cleanup.unregister(this);
    WorkDirs.delete(dir);
  }

  @Override
  public String host() {
    return Ports.LOOPBACK;
  }

  @Override
  public Path logFile() {
    return logFile;
  }

  @Override
  public String describe() {
    Process current = process;
    return name + (current == null ? "" : " pid " + current.pid()) + " on " + host() + ":"
        + port() + " in " + dir;
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * Stops the process tree: gracefully (SIGCONT, then the stop signal, bounded wait) or with
   * SIGKILL; whatever is left of the tree after a graceful stop is killed too.
   */
  private void stopLocked(boolean graceful) {
    Process current = process;
    if (current == null || !current.isAlive()) {
      return;
    }
    ProcessHandle root = current.toHandle();
    List<ProcessHandle> tree = Signals.tree(root);
    if (graceful) {
      Signals.send("CONT", tree);
      Signals.send(stopSignal(), List.of(root));
      if (!Signals.awaitExit(List.of(root), STOP_GRACE)) {
        LOG.warn("{} did not stop within {} of SIG{}; killing it", describe(), STOP_GRACE,
            stopSignal());
      }
    }
    Signals.killTree(tree.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList()),
        KILL_WAIT);
    try {
      if (!current.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} still runs {} after SIGKILL", describe(), KILL_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Process requireRunning(String action) {
    checkUsable();
    Process current = process;
    if (current == null || !current.isAlive()) {
      throw new IllegalStateException("Cannot " + action + " " + describe() + ": it is not running");
    }
    return current;
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException(describe() + " is closed");
    }
    if (failed) {
      throw new IllegalStateException(describe() + " failed to start; see " + logFile);
    }
  }
}
