package dev.baton.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A real PostgreSQL server for tests, with database {@code baton} and user {@code baton}
 * (password {@code baton}, a superuser) that logs in with a password (scram-sha-256) over TCP.
 *
 * <p>{@link #shared()} gives one server per test JVM, found in this order: the server named by
 * {@code BATON_TEST_POSTGRES_URL} (a JDBC URL; credentials from {@code BATON_TEST_POSTGRES_USER}
 * and {@code BATON_TEST_POSTGRES_PASSWORD}, default {@code baton}/{@code baton}); else
 * {@code postgres} and {@code initdb} from PATH or {@code /usr/lib/postgresql/VERSION/bin}
 * (highest version first), run as a private process on a free port of 127.0.0.1 with a fresh
 * data dir ({@code max_connections=200}, {@code fsync=off}); as root, as user {@code postgres};
 * else a {@code postgres:16} container when Testcontainers is on the classpath and Docker
 * answers; else an {@link IllegalStateException} saying what to install. It is stopped at JVM
 * exit; its {@link #close()} does nothing.
 *
 * <p>{@link #start()} and {@link #builder()} start a private server that the caller closes.
 * Servers run from the binaries support {@link #pause()}, {@link #resume()}, {@link #kill()}
 * (each acting on the postmaster and all its backends) and {@link #restart()} (same port, same
 * data: committed data survives); elsewhere these throw {@link UnsupportedOperationException}.
 * The server's output goes to {@link #logFile()}.
 *
 * <p>{@link #jdbcUrl()} is {@code jdbc:postgresql://127.0.0.1:PORT/baton}, or the URL from the
 * environment. {@link #restart()} stops the server with a fast shutdown (SIGINT); after
 * {@link #kill()} the restarted server runs crash recovery first. {@link #isRunning()} tells
 * whether the postmaster exists.
 *
 * <p>Thread-safe.
 */
public final class PostgresServer extends JdbcTestServer {
  static final String ENV_URL = "BATON_TEST_POSTGRES_URL";
  static final String ENV_USER = "BATON_TEST_POSTGRES_USER";
  static final String ENV_PASSWORD = "BATON_TEST_POSTGRES_PASSWORD";
  private static final List<String> DIRS = List.of("/usr/lib/postgresql/*/bin",
      "/usr/pgsql-*/bin", "/usr/local/pgsql/bin");
  private static final Shared<PostgresServer> SHARED = new Shared<>();

  private PostgresServer(Backend backend, String jdbcUrl, String database, String user,
      String password, boolean owned) {
    super(backend, jdbcUrl, database, user, password, owned);
  }

  /**
   * The server shared by all tests of this JVM, started on first use; see the class doc.
   *
   * @return the shared server; its {@link #close()} does nothing
   * @throws IllegalStateException if no server can be had (the message says what to install or
   *     set), or it did not start
   */
  public static PostgresServer shared() {
    return SHARED.get(() -> resolveShared(Host.SYSTEM));
  }

  /**
   * Starts a private server with defaults; the caller must close it.
   *
   * @return the running server
   * @throws IllegalStateException if no server can be had, or it did not start in 60 s (the
   *     message ends with the tail of its log)
   */
  public static PostgresServer start() {
    return builder().start();
  }

  /** {@return a builder of a private server, with defaults} */
  public static Builder builder() {
    return new Builder();
  }

  static PostgresServer resolveShared(Host host) {
    String url = host.env(ENV_URL);
    if (url != null) {
      JdbcAddress address = JdbcAddress.parse(ENV_URL, url, List.of("postgresql"), 5432);
      External backend = new External("PostgreSQL", address.host(), address.port(), ENV_URL,
          "PostgresServer.start()").checkReachable(url);
      return new PostgresServer(backend, url, address.database(),
          Optional.ofNullable(host.env(ENV_USER)).orElse(PostgresProcess.USER),
          Optional.ofNullable(host.env(ENV_PASSWORD)).orElse(PostgresProcess.PASSWORD), false);
    }
    return launch(host, SqlConfig.defaults(), false, true);
  }

  static PostgresServer launch(Host host, SqlConfig config, boolean owned, boolean shared) {
    Optional<Path> binDir = host.postgresBinDir();
    Backend backend;
    if (binDir.isPresent()) {
      PostgresProcess process = new PostgresProcess(binDir.get(), config,
          RunAs.serviceUserIfRoot("postgres", host));
      process.start();
      backend = process;
    } else if (host.dockerAvailable()) {
      backend = Containers.postgres(config);
    } else {
      throw Missing.server("PostgreSQL", "postgres and initdb", DIRS, "apt-get install postgresql",
          ENV_URL + "=jdbc:postgresql://host:port/database (with " + ENV_USER + "/"
              + ENV_PASSWORD + ")", shared);
    }
    String url = "jdbc:postgresql://" + backend.host() + ":" + backend.port() + "/"
        + PostgresProcess.DATABASE;
    return new PostgresServer(backend, url, PostgresProcess.DATABASE, PostgresProcess.USER,
        PostgresProcess.PASSWORD, owned);
  }

  /** Configures a private PostgreSQL. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Duration startupTimeout = ServerProcess.DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /**
     * A server setting, passed as {@code -c name=value}, e.g.
     * {@code setting("lock_timeout", "1s")}; a later call for the same name replaces it.
     *
     * @param name the setting's name
     * @param value its value
     * @return this builder
     */
    public Builder setting(String name, String value) {
      settings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Extra raw {@code postgres} flags; they come last.
     *
     * @param args the flags and their values, in order; none may be null
     * @return this builder
     */
    public Builder arg(String... args) {
      Builders.addArgs(this.args, args);
      return this;
    }

    /**
     * How long to wait for initdb and then for the server to accept connections; default 60 s.
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
     * Starts the server and waits until it accepts connections; the caller must close it.
     *
     * @return the running server
     * @throws IllegalStateException if no server can be had, or it did not start in time (the
     *     message ends with the tail of its log)
     */
    public PostgresServer start() {
      return launch(Host.SYSTEM, new SqlConfig(settings, args, startupTimeout), true, false);
    }
  }
}
