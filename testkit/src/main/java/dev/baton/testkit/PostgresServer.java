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
 * <p>Thread-safe.
 */
public final class PostgresServer implements AutoCloseable {
  static final String ENV_URL = "BATON_TEST_POSTGRES_URL";
  static final String ENV_USER = "BATON_TEST_POSTGRES_USER";
  static final String ENV_PASSWORD = "BATON_TEST_POSTGRES_PASSWORD";
  private static final List<String> DIRS = List.of("/usr/lib/postgresql/*/bin",
      "/usr/pgsql-*/bin", "/usr/local/pgsql/bin");
  private static final Shared<PostgresServer> SHARED = new Shared<>();

  private final Backend backend;
  private final String jdbcUrl;
  private final String database;
  private final String user;
  private final String password;
  private final boolean owned;

  private PostgresServer(Backend backend, String jdbcUrl, String database, String user,
      String password, boolean owned) {
    this.backend = backend;
    this.jdbcUrl = jdbcUrl;
    this.database = database;
    this.user = user;
    this.password = password;
    this.owned = owned;
  }

  /** The server shared by all tests of this JVM, started on first use; see the class doc. */
  public static PostgresServer shared() {
    return SHARED.get(() -> resolveShared(Host.SYSTEM));
  }

  /** Starts a private server with defaults; the caller must close it. */
  public static PostgresServer start() {
    return builder().start();
  }

  /** Configures a private server. */
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

  /** {@code jdbc:postgresql://127.0.0.1:PORT/baton}, or the URL from the environment. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** Host name or IP to connect to ({@code 127.0.0.1} for a local process). */
  public String host() {
    return backend.host();
  }

  /** The port to connect to. */
  public int port() {
    return backend.port();
  }

  /** The database name ({@code baton}; from the URL for an environment-given server). */
  public String database() {
    return database;
  }

  /** The user to log in as ({@code baton}). */
  public String user() {
    return user;
  }

  /** The user's password ({@code baton}). */
  public String password() {
    return password;
  }

  /** The file the server's output goes to (in its temp dir). */
  public Path logFile() {
    return backend.logFile();
  }

  /** Freezes the postmaster and all its backends (SIGSTOP): nothing is answered. */
  public void pause() {
    backend.pause();
  }

  /** Thaws a paused server (SIGCONT to the postmaster and its backends). */
  public void resume() {
    backend.resume();
  }

  /** Kills the postmaster and all its backends with SIGKILL. No-op when not running. */
  public void kill() {
    backend.kill();
  }

  /**
   * Stops the server if it runs (fast shutdown) and starts it again on the same port with the
   * same data dir; after {@link #kill()} it runs crash recovery first.
   */
  public void restart() {
    backend.restart();
  }

  /** True while the postmaster exists, paused or not. */
  public boolean isRunning() {
    return backend.isRunning();
  }

  /** Stops a private server and deletes its temp dir; does nothing for the shared one. */
  @Override
  public void close() {
    if (owned) {
      backend.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresServer[" + backend.describe() + "]";
  }

  /** Configures a private PostgreSQL. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Duration startupTimeout = ServerProcess.DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /** A server setting, passed as {@code -c name=value}, e.g. {@code setting("lock_timeout", "1s")}. */
    public Builder setting(String name, String value) {
      settings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Extra raw {@code postgres} flags; they come last. */
    public Builder arg(String... args) {
      for (String arg : args) {
        this.args.add(Objects.requireNonNull(arg, "arg"));
      }
      return this;
    }

    /** How long to wait for initdb and then for the server to accept connections; default 60 s. */
    public Builder startupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive, got " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    /** Starts the server and waits until it accepts connections; the caller must close it. */
    public PostgresServer start() {
      return launch(Host.SYSTEM, new SqlConfig(settings, args, startupTimeout), true, false);
    }
  }
}
