package dev.baton.testkit;

import java.nio.file.Path;

/**
 * A real server for tests: what {@link RedisServer}, {@link EtcdServer}, {@link PostgresServer}
 * and {@link MariaDbServer} have in common, for code that works on any of them, e.g. a test
 * parameterised over servers that pauses or kills whichever it is given.
 *
 * <p>A server comes from one of three places (see each class for the order it tries):
 * <ul>
 *   <li>a <b>process</b> the testkit runs from the server's binary: every method works;
 *   <li>a <b>Docker container</b>: {@link #pause()}, {@link #resume()}, {@link #kill()} and
 *       {@link #restart()} throw {@link UnsupportedOperationException};
 *   <li>a server named by an <b>environment variable</b> (only for {@code shared()}): the
 *       testkit neither started it nor can stop it, so the fault methods, {@link #logFile()} and
 *       {@link #isRunning()} throw {@link UnsupportedOperationException}, and {@link #close()}
 *       does nothing.
 * </ul>
 *
 * <p>A private server ({@code start()}, {@code builder()...start()}) is closed by the caller; a
 * shared one ({@code shared()}) is stopped at JVM exit and its {@link #close()} does nothing.
 *
 * <p>Thread-safe.
 */
public abstract sealed class TestServer implements AutoCloseable
    permits RedisServer, EtcdServer, JdbcTestServer {
  private final Backend backend;
  private final boolean owned;

  /**
   * @param owned whether {@link #close()} stops the backend: true for a private server, false
   *     for a shared one or one owned by a cluster
   */
  TestServer(Backend backend, boolean owned) {
    this.backend = backend;
    this.owned = owned;
  }

  /** {@return the host name or IP to connect to ({@code 127.0.0.1} for a local process)} */
  public final String host() {
    return backend.host();
  }

  /** {@return the port to connect to} */
  public final int port() {
    return backend.port();
  }

  /**
   * The file the server's output goes to (in its temp dir).
   *
   * @return the log file's path
   * @throws UnsupportedOperationException for a server named by an environment variable
   */
  public final Path logFile() {
    return backend.logFile();
  }

  /**
   * Freezes the server and all its descendant processes (SIGSTOP). The kernel still accepts
   * connections, but nothing is answered, so clients time out: give them a timeout.
   */
  public final void pause() {
    backend.pause();
  }

  /** Thaws a paused server (SIGCONT to the same processes). */
  public final void resume() {
    backend.resume();
  }

  /**
   * Kills the server and all its descendant processes with SIGKILL; connections are then
   * refused. No-op when not running.
   */
  public final void kill() {
    backend.kill();
  }

  /**
   * Stops the server if it runs (gracefully, then SIGKILL after 10 s) and starts it again on the
   * same port with the same data dir, waiting until it is ready. What survives depends on the
   * server: see its class.
   */
  public final void restart() {
    backend.restart();
  }

  /**
   * Whether the server's process exists, paused or not.
   *
   * @return true while it exists
   * @throws UnsupportedOperationException for a server named by an environment variable
   */
  public final boolean isRunning() {
    return backend.isRunning();
  }

  /** Stops a private server and deletes its temp dir; does nothing for a shared one. */
  @Override
  public final void close() {
    if (owned) {
      backend.close();
    }
  }

  /** The class and where the server runs, e.g. {@code RedisServer[redis-server pid 42 ...]}. */
  @Override
  public final String toString() {
    return getClass().getSimpleName() + "[" + backend.describe() + "]";
  }
}
