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
 * <p>{@link #host()} and {@link #port()} are those of {@link #endpoint()}. A paused server
 * takes requests (the kernel accepts the connections) but never answers them. A restarted
 * {@link EtcdCluster} member comes back on the same client and peer ports, rejoins its cluster
 * and catches up. {@link #close()} does nothing for a cluster member: close the
 * {@link EtcdCluster}.
 *
 * <p>Thread-safe.
 */
public final class EtcdServer extends TestServer {
  static final String ENV_ENDPOINTS = "BATON_TEST_ETCD_ENDPOINTS";
  static final List<String> DIRS = List.of("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin");
  static final String BINARY = "etcd";
  static final String INSTALL = "apt-get install etcd-server";
  private static final int DEFAULT_PORT = 2379;
  private static final Shared<EtcdServer> SHARED = new Shared<>();

  private final List<String> endpoints;

  private EtcdServer(Backend backend, List<String> endpoints, boolean owned) {
    super(backend, owned);
    this.endpoints = List.copyOf(endpoints);
  }

  /** A member of a cluster: the cluster owns it, so {@link #close()} does nothing. */
  static EtcdServer member(EtcdProcess process) {
    return new EtcdServer(process, List.of(process.endpoint()), false);
  }

  /**
   * The server shared by all tests of this JVM, started on first use; see the class doc.
   *
   * @return the shared server; its {@link #close()} does nothing
   * @throws IllegalStateException if no server can be had (the message says what to install or
   *     set), or it did not start
   */
  public static EtcdServer shared() {
    return SHARED.get(() -> resolveShared(Host.SYSTEM));
  }

  /**
   * Starts a private server with defaults; the caller must close it.
   *
   * @return the running server
   * @throws IllegalStateException if no server can be had, or it did not start in 60 s (the
   *     message ends with the tail of its log)
   */
  public static EtcdServer start() {
    return builder().start();
  }

  /** {@return a builder of a private server, with defaults} */
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

  /** {@return the client URL, e.g. {@code http://127.0.0.1:2379} (the first one for several)} */
  public String endpoint() {
    return endpoints.get(0);
  }

  /**
   * {@return all client URLs: one for a server the testkit started, each one given in the
   * variable}
   */
  public List<String> endpoints() {
    return endpoints;
  }

  /** Configures a private etcd. Not thread-safe. */
  public static final class Builder {
    private final List<String> args = new ArrayList<>();
    private TestCertificate tls;
    private Duration startupTimeout = ServerProcess.DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /**
     * Extra server flags, e.g. {@code arg("--quota-backend-bytes", "16777216")}; they come last.
     *
     * @param args the flags and their values, in order; none may be null
     * @return this builder
     */
    public Builder arg(String... args) {
      Builders.addArgs(this.args, args);
      return this;
    }

    /**
     * Serves clients over TLS only, with this certificate: {@link EtcdServer#endpoint()} then
     * starts with {@code https://}; clients trust it through its PEM file or
     * {@link TestCertificate#sslContext()}. Process servers only.
     *
     * @param certificate the server's certificate and key
     * @return this builder
     */
    public Builder tls(TestCertificate certificate) {
      this.tls = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /**
     * How long to wait until {@code /health} says true; default 60 s.
     *
     * @param timeout the longest wait; positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = Builders.startupTimeout(timeout);
      return this;
    }

    /**
     * Starts the server and waits until it is healthy; the caller must close it.
     *
     * @return the running server
     * @throws IllegalStateException if no server can be had, or it did not start in time (the
     *     message ends with the tail of its log)
     */
    public EtcdServer start() {
      return launch(Host.SYSTEM, new EtcdConfig(tls, args, startupTimeout), true, false);
    }
  }
}
