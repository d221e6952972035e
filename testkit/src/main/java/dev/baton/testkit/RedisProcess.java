package dev.baton.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** redis-server as a private process. Thread-safe. */
final class RedisProcess extends ServerProcess {
  private final Path binary;
  private final RedisConfig config;
  private volatile int port;

  RedisProcess(Path binary, RedisConfig config) {
    super("redis", "redis-server", config.startupTimeout(), RunAs.current());
    this.binary = binary;
    this.config = config;
  }

  @Override
  void choosePorts() {
    port = Ports.free();
  }

  @Override
  List<String> command() {
    // With TLS the plain port is closed and the server's one port speaks only TLS.
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--port", config.tls() == null ? Integer.toString(port) : "0",
        "--tls-port", config.tls() == null ? "0" : Integer.toString(port),
        "--bind", Ports.LOOPBACK,
        "--dir", dir().toString(),
        "--daemonize", "no",
        "--logfile", ""));
    command.addAll(config.serverArgs());
    return command;
  }

  /** A PING, after AUTH when configured, answered {@code PONG}. */
  @Override
  boolean probe() throws IOException {
    return ping(host(), port, config);
  }

  static boolean ping(String host, int port, RedisConfig config) throws IOException {
    try (Resp resp = Resp.connect(host, port, PROBE_TIMEOUT,
        config.tls() == null ? null : config.tls().sslContext().getSocketFactory())) {
      String[] auth = config.auth();
      if (auth.length > 0) {
        String reply = resp.call(auth);
        if (!"OK".equals(reply)) {
          throw new IOException("AUTH answered " + reply);
        }
      }
      String reply = resp.call("PING");
      if (!"PONG".equals(reply)) {
        throw new IOException("PING answered " + reply);
      }
      return true;
    }
  }

  @Override
  public int port() {
    return port;
  }
}
