package dev.baton.testkit;

import java.nio.file.Path;

/**
 * What a public server class delegates to: a process the testkit started, a container, or a
 * server named by an environment variable. Implementations are thread-safe.
 */
interface Backend {

  /** Host name or IP clients connect to. */
  String host();

  /** The client port. */
  int port();

  /** The file the server's output goes to. */
  Path logFile();

  /** Freezes the server (SIGSTOP to its whole process tree). */
  void pause();

  /** Thaws a paused server (SIGCONT to its whole process tree). */
  void resume();

  /** Kills the server's whole process tree with SIGKILL; no-op when it is not running. */
  void kill();

  /** Stops the server if it runs and starts it again on the same port with the same data. */
  void restart();

  /** True while the server's process exists, paused or not. */
  boolean isRunning();

  /** Stops the server for good and deletes its files; idempotent. */
  void close();

  /** A short description for messages, e.g. {@code "redis-server pid 42 on 127.0.0.1:6379"}. */
  String describe();
}
