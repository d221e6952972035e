package dev.baton.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A real etcd server for tests, or one member of an {@link EtcdCluster}.
 *
 * <p>{@link #shared()} gives one server per test JVM, found in this order: the servers named by
 * {@code BATON_TEST_ETCD_ENDPOINTS} (comma-separated {@code http://host:port}); else the
 * {@code etcd} binary from PATH (or /usr/bin, /usr/local/bin), run as a private one-member
 * cluster on free ports of 127.0.0.1 in a fresh temp dir; else a {@code quay.io/coreos/etcd}
 * container when Testcontainers is on the classpath and Docker answers; else an
 * {@link IllegalStateException} saying what to install. It is stopped at JVM exit; its
 * {@link #close()} does nothing.
 *
 * <p>{@link #start()} and {@link #builder()} start a private server that the caller closes.
 * Servers run from the binary support {@link #pause()}, {@link #resume()}, {@link #kill()} and
 * {@link #restart()} (same port, same data dir: data survives); elsewhere these throw
 * {@link UnsupportedOperationException}. The server's output goes to {@link #logFile()}.
 *
 * <p>Thread-safe.
 */
public final class EtcdServer implements AutoCloseable {
  static final String ENV_ENDPOINTS = "BATON_TEST_ETCD_ENDPOINTS";
  static final List<String> DIRS = List.of("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin");
  static final String BINARY = "etcd";
  static final String INSTALL = "apt-get install etcd-server";
  private static final int DEFAULT_PORT = 2379;
  private static final Shared<EtcdServer> SHARED = new Shared<>();

  private final Backend backend;
  private final List<String> endpoints;
  private final boolean owned;

  private EtcdServer(Backend backend, List<String> endpoints, boolean owned) {
    this.backend = backend;
    this.endpoints = List.copyOf(endpoints);
    this.owned = owned;
  }

  /** A member of a cluster: the cluster owns it, so {@link #close()} does nothing. */
  static EtcdServer member(EtcdProcess process) {
    return new EtcdServer(process, List.of(process.endpoint()), false);
  }

  /** The server shared by all tests of this JVM, started on first use; see the class doc. */
  public static EtcdServer shared() {
    return SHARED.get(() -> resolveShared(Host.SYSTEM));
  }

  /** Starts a private server with defaults; the caller must close it. */
  public static EtcdServer start() {
    return builder().start();
  }

  /** Configures a private server. */
  public static Builder builder() {
    return new Builder();
  }

  static EtcdServer resolveShared(Host host) {
    String value = host.env(ENV_ENDPOINTS);
    if (value != null) {
      return fromEndpoints(value);
    }
    return launch(host, EtcdConfig.defaults(), false, true);
  }

  /** Servers named by comma-separated endpoints; faults and close are refused or no-ops. */
  static EtcdServer fromEndpoints(String value) {
    List<String> endpoints = new ArrayList<>();
    External first = null;
    for (String part : value.split(",")) {
      String endpoint = part.trim();
      if (endpoint.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV_ENDPOINTS + "=" + value + ": '" + endpoint
            + "' is not a URI", e);
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(ENV_ENDPOINTS + "=" + value + ": '" + endpoint
            + "' is not of the form http://host:port");
      }
      int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
      External external = new External("etcd", uri.getHost(), port, ENV_ENDPOINTS,
          "EtcdServer.start()").checkReachable(value);
      if (first == null) {
        first = external;
      }
      endpoints.add(endpoint);
    }
    if (first == null) {
      throw new IllegalArgumentException(ENV_ENDPOINTS + "=" + value + " names no endpoint");
    }
    return new EtcdServer(first, endpoints, false);
  }

  static EtcdServer launch(Host host, EtcdConfig config, boolean owned, boolean shared) {
    Optional<Path> binary = host.executable(BINARY, DIRS);
    if (binary.isPresent()) {
      EtcdProcess process = new EtcdProcess(binary.get(), "etcd0", config);
      process.start();
      return new EtcdServer(process, List.of(process.endpoint()), owned);
    }
    if (host.dockerAvailable()) {
      Backend backend = Containers.etcd(config);
      return new EtcdServer(backend,
          List.of("http://" + backend.host() + ":" + backend.port()), owned);
    }
    throw Missing.server("etcd", BINARY, DIRS, INSTALL,
        ENV_ENDPOINTS + "=http://host:port[,http://host:port...]", shared);
  }

  /** The client URL, e.g. {@code http://127.0.0.1:2379} (the first one for several). */
  public String endpoint() {
    return endpoints.get(0);
  }

  /** All client URLs: one for a server the testkit started, each one given in the variable. */
  public List<String> endpoints() {
    return endpoints;
  }

  /** Host of {@link #endpoint()}. */
  public String host() {
    return backend.host();
  }

  /** Port of {@link #endpoint()}. */
  public int port() {
    return backend.port();
  }

  /** The file the server's output goes to (in its temp dir). */
  public Path logFile() {
    return backend.logFile();
  }

  /** Freezes the server (SIGSTOP): requests are accepted by the kernel but never answered. */
  public void pause() {
    backend.pause();
  }

  /** Thaws a paused server (SIGCONT). */
  public void resume() {
    backend.resume();
  }

  /** Kills the server with SIGKILL; connections are then refused. No-op when not running. */
  public void kill() {
    backend.kill();
  }

  /**
   * Stops the server if it runs and starts it again on the same ports with the same data dir;
   * a cluster member rejoins its cluster and catches up.
   */
  public void restart() {
    backend.restart();
  }

  /** True while the server's process exists, paused or not. */
  public boolean isRunning() {
    return backend.isRunning();
  }

  /**
   * Stops a private server and deletes its temp dir; does nothing for the shared one or for a
   * cluster member (close the {@link EtcdCluster}).
   */
  @Override
  public void close() {
    if (owned) {
      backend.close();
    }
  }

  @Override
  public String toString() {
    return "EtcdServer[" + backend.describe() + "]";
  }

  /** Configures a private etcd. Not thread-safe. */
  public static final class Builder {
    private final List<String> args = new ArrayList<>();
    private Duration startupTimeout = ServerProcess.DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /** Extra server flags, e.g. {@code arg("--quota-backend-bytes", "16777216")}; they come last. */
    public Builder arg(String... args) {
      for (String arg : args) {
        this.args.add(Objects.requireNonNull(arg, "arg"));
      }
      return this;
    }

    /** How long to wait until {@code /health} says true; default 60 s. */
    public Builder startupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive, got " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    /** Starts the server and waits until it is healthy; the caller must close it. */
    public EtcdServer start() {
      return launch(Host.SYSTEM, new EtcdConfig(args, startupTimeout), true, false);
    }
  }
}
