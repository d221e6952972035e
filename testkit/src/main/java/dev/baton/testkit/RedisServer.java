package dev.baton.testkit;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A real Redis server for tests.
 *
 * <p>{@link #shared()} gives one server per test JVM, found in this order: the server named by
 * {@code BATON_TEST_REDIS_URI} ({@code redis://[user:password@]host:port}); else
 * {@code redis-server} from PATH (or /usr/bin, /usr/local/bin), run as a private process on a
 * free port of 127.0.0.1 in a fresh temp dir; else a {@code redis:7} container when
 * Testcontainers is on the classpath and Docker answers; else an {@link IllegalStateException}
 * saying what to install. It is stopped at JVM exit; its {@link #close()} does nothing.
 *
 * <p>{@link #start()} and {@link #builder()} start a private server (binary or Docker, never the
 * environment variable) that the caller closes. Private servers run from the binary support the
 * fault methods {@link #pause()}, {@link #resume()}, {@link #kill()} and {@link #restart()};
 * elsewhere these throw {@link UnsupportedOperationException}. By default nothing is persisted
 * ({@code --save "" --appendonly no}), so a restarted server is empty unless built with
 * {@link Builder#appendOnly(boolean) appendOnly(true)}. The server's output goes to
 * {@link #logFile()}, never to the test's stdout.
 *
 * <p>A {@link #pause() paused} Redis takes connections (the kernel accepts them) but never
 * answers; after {@link #kill()} connections are refused.
 *
 * <p>Thread-safe.
 */
public final class RedisServer extends TestServer {
  static final String ENV_URI = "BATON_TEST_REDIS_URI";
  static final List<String> DIRS = List.of("/usr/bin", "/usr/local/bin", "/usr/sbin",
      "/opt/homebrew/bin");
  private static final String BINARY = "redis-server";
  private static final int DEFAULT_PORT = 6379;
  private static final Shared<RedisServer> SHARED = new Shared<>();

  private final String user;
  private final String password;
  private final String uri;
  private final boolean tls;

  private RedisServer(Backend backend, String user, String password, String uri, boolean tls,
      boolean owned) {
    super(backend, owned);
    this.user = user;
    this.password = password;
    this.uri = uri;
    this.tls = tls;
  }

  /**
   * The server shared by all tests of this JVM, started on first use; see the class doc.
   *
   * @return the shared server; its {@link #close()} does nothing
   * @throws IllegalStateException if no server can be had (the message says what to install or
   *     set), or it did not start
   */
  public static RedisServer shared() {
    return SHARED.get(() -> resolveShared(Host.SYSTEM));
  }

  /**
   * Starts a private server with defaults; the caller must close it.
   *
   * @return the running server
   * @throws IllegalStateException if no server can be had, or it did not start in 60 s (the
   *     message ends with the tail of its log)
   */
  public static RedisServer start() {
    return builder().start();
  }

  /** {@return a builder of a private server, with defaults} */
  public static Builder builder() {
    return new Builder();
  }

  static RedisServer resolveShared(Host host) {
    String value = host.env(ENV_URI);
    if (value != null) {
      return fromUri(value);
    }
    return launch(host, RedisConfig.defaults(), false, true);
  }

  /** A server named by a {@code redis://} URI; faults and close are refused or no-ops. */
  static RedisServer fromUri(String value) {
    URI parsed;
    try {
      parsed = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(ENV_URI + "=" + value + " is not a URI", e);
    }
    if (!("redis".equals(parsed.getScheme()) || "rediss".equals(parsed.getScheme()))
        || parsed.getHost() == null) {
      throw new IllegalArgumentException(ENV_URI + "=" + value
          + " is not of the form redis://[user:password@]host:port");
    }
    int port = parsed.getPort() < 0 ? DEFAULT_PORT : parsed.getPort();
    String user = null;
    String password = null;
    String info = parsed.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      String rawUser = colon < 0 ? "" : info.substring(0, colon);
      String rawPassword = colon < 0 ? info : info.substring(colon + 1);
      user = rawUser.isEmpty() ? null : URLDecoder.decode(rawUser, StandardCharsets.UTF_8);
      password = URLDecoder.decode(rawPassword, StandardCharsets.UTF_8);
    }
    External backend = new External("Redis", parsed.getHost(), port, ENV_URI,
        "RedisServer.start()").checkReachable(value);
    return new RedisServer(backend, user, password, value, "rediss".equals(parsed.getScheme()), false);
  }

  static RedisServer launch(Host host, RedisConfig config, boolean owned, boolean shared) {
    Optional<Path> binary = host.executable(BINARY, DIRS);
    Backend backend;
    if (binary.isPresent()) {
      RedisProcess process = new RedisProcess(binary.get(), config);
      process.start();
      backend = process;
    } else if (host.dockerAvailable()) {
      backend = Containers.redis(config);
    } else {
      throw Missing.server("Redis", BINARY, DIRS, "apt-get install redis-server",
          ENV_URI + "=redis://[user:password@]host:port", shared);
    }
    String user = config.user();
    String password = user != null ? config.userPassword() : config.password();
    return new RedisServer(backend, user, password, null, config.tls() != null, owned);
  }

  /**
   * {@code redis://host:port} ({@code rediss://} with TLS), with {@code user:password@} or
   * {@code :password@} when the server requires them; for a server from
   * {@code BATON_TEST_REDIS_URI}, that value unchanged.
   *
   * @return the URI a client connects with
   */
  public String uri() {
    if (uri != null) {
      return uri;
    }
    String credentials = "";
    if (password != null) {
      credentials = (user == null ? "" : encode(user)) + ":" + encode(password) + "@";
    }
    return (tls ? "rediss://" : "redis://") + credentials + host() + ":" + port();
  }

  /** {@return the ACL user clients authenticate as, if any} */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** {@return the password clients authenticate with, if any} */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Configures a private Redis. Not thread-safe. */
  public static final class Builder {
    private String password;
    private String user;
    private String userPassword;
    private boolean appendOnly;
    private TestCertificate tls;
    private final List<String> args = new ArrayList<>();
    private Duration startupTimeout = ServerProcess.DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /**
     * Requires this password from the default user ({@code --requirepass}).
     *
     * @param password the password; non-empty, without whitespace
     * @return this builder
     * @throws IllegalArgumentException if it is empty or holds whitespace
     */
    public Builder requirePass(String password) {
      this.password = requireToken("password", password);
      return this;
    }

    /**
     * Adds an ACL user with all permissions ({@code --user NAME on >PASSWORD ~* &* +@all});
     * {@link RedisServer#uri()} then carries its credentials.
     *
     * @param name the user's name; non-empty, without whitespace
     * @param password the user's password; non-empty, without whitespace
     * @return this builder
     * @throws IllegalArgumentException if either is empty or holds whitespace
     */
    public Builder user(String name, String password) {
      this.user = requireToken("user name", name);
      this.userPassword = requireToken("password", password);
      return this;
    }

    /**
     * Append-only persistence with fsync on every write, so data survives a kill; default off.
     *
     * @param on whether to turn it on
     * @return this builder
     */
    public Builder appendOnly(boolean on) {
      this.appendOnly = on;
      return this;
    }

    /**
     * Serves TLS only, with this certificate ({@link RedisServer#uri()} then starts with
     * {@code rediss://}; clients trust it through {@link TestCertificate#sslContext()}). Process
     * servers only.
     *
     * @param certificate the server's certificate and key
     * @return this builder
     */
    public Builder tls(TestCertificate certificate) {
      this.tls = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /**
     * Extra server flags, e.g. {@code arg("--maxmemory", "10mb")}; they come last and win.
     *
     * @param args the flags and their values, in order; none may be null
     * @return this builder
     */
    public Builder arg(String... args) {
      Builders.addArgs(this.args, args);
      return this;
    }

    /**
     * How long to wait until the server answers PING; default 60 s.
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
     * Starts the server and waits until it answers; the caller must close it.
     *
     * @return the running server
     * @throws IllegalStateException if no server can be had, or it did not start in time (the
     *     message ends with the tail of its log)
     */
    public RedisServer start() {
      return launch(Host.SYSTEM, new RedisConfig(password, user, userPassword, appendOnly, tls, args,
          startupTimeout), true, false);
    }

    private static String requireToken(String what, String value) {
      Objects.requireNonNull(value, what);
      if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(what + " must be non-empty without whitespace, got '"
            + value + "'");
      }
      return value;
    }
  }
}
