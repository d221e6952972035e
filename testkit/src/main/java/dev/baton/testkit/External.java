package dev.baton.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server named by an environment variable: the testkit did not start it, so it can neither
 * fault nor stop it. Immutable.
 */
final class External implements Backend {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final String kind;
  private final String host;
  private final int port;
  private final String variable;
  private final String privateStart;

  /**
   * @param kind e.g. "Redis"
   * @param variable the environment variable that named the server
   * @param privateStart what to call for a server that can be faulted, e.g. "RedisServer.start()"
   */
  External(String kind, String host, int port, String variable, String privateStart) {
    this.kind = kind;
    this.host = host;
    this.port = port;
    this.variable = variable;
    this.privateStart = privateStart;
  }

  /** Fails fast with a clear message when nothing listens at the address the variable gave. */
  External checkReachable(String value) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
      return this;
    } catch (IOException e) {
      throw new IllegalStateException(variable + "=" + value + " names " + host + ":" + port
          + ", but connecting there failed within " + CONNECT_TIMEOUT + ": " + e, e);
    }
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Path logFile() {
    throw unsupported("has no log file the testkit knows of");
  }

  @Override
  public void pause() {
    throw unsupported("cannot be paused");
  }

  @Override
  public void resume() {
    throw unsupported("cannot be resumed");
  }

  @Override
  public void kill() {
    throw unsupported("cannot be killed");
  }

  @Override
  public void restart() {
    throw unsupported("cannot be restarted");
  }

  @Override
  public boolean isRunning() {
    throw unsupported("has no process the testkit can watch");
  }

  /** Not ours to stop. */
  @Override
  public void close() {}

  @Override
  public String describe() {
    return kind + " at " + host + ":" + port + " (from " + variable + ")";
  }

  private UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(describe() + " " + what + ": the testkit did not"
        + " start it. Use " + privateStart + " for a server of your own");
  }
}
