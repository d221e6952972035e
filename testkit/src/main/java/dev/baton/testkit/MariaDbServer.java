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
 * A real MariaDB server for tests, with database {@code baton} and user {@code baton} (password
 * {@code baton}, all privileges) that logs in with a password over TCP.
 *
 * <p>{@link #shared()} gives one server per test JVM, found in this order: the server named by
 * {@code BATON_TEST_MARIADB_URL} (a JDBC URL; credentials from {@code BATON_TEST_MARIADB_USER}
 * and {@code BATON_TEST_MARIADB_PASSWORD}, default {@code baton}/{@code baton}); else
 * {@code mariadbd} and {@code mariadb-install-db} from PATH (or /usr/sbin, /usr/bin), run as a
 * private process on a free port of 127.0.0.1 with a fresh data dir, ignoring every my.cnf; as
 * root, as user {@code mysql}; else a {@code mariadb:11} container when Testcontainers is on the
 * classpath and Docker answers; else an {@link IllegalStateException} saying what to install.
 * It is stopped at JVM exit; its {@link #close()} does nothing.
 *
 * <p>{@link #start()} and {@link #builder()} start a private server that the caller closes.
 * Servers run from the binaries support {@link #pause()}, {@link #resume()}, {@link #kill()} and
 * {@link #restart()} (same port, same data: committed data survives); elsewhere these throw
 * {@link UnsupportedOperationException}. The server's output goes to {@link #logFile()}.
 *
 * <p>{@link #jdbcUrl()} is {@code jdbc:mariadb://127.0.0.1:PORT/baton}, or the URL from the
 * environment. {@link #pause()} stops the server and any child process; after {@link #kill()}
 * the restarted server's InnoDB runs crash recovery first.
 *
 * <p>Thread-safe.
 */
public final class MariaDbServer extends JdbcTestServer {
  static final String ENV_URL = "BATON_TEST_MARIADB_URL";
  static final String ENV_USER = "BATON_TEST_MARIADB_USER";
  static final String ENV_PASSWORD = "BATON_TEST_MARIADB_PASSWORD";
  private static final List<String> SERVER_DIRS = List.of("/usr/sbin", "/usr/local/sbin",
      "/usr/bin", "/usr/local/bin", "/usr/local/mysql/bin");
  private static final List<String> INSTALL_DB_DIRS = List.of("/usr/bin", "/usr/local/bin",
      "/usr/local/mysql/scripts", "/usr/local/mysql/bin");
  private static final Shared<MariaDbServer> SHARED = new Shared<>();

  private MariaDbServer(Backend backend, String jdbcUrl, String database, String user,
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
  public static MariaDbServer shared() {
    return SHARED.get(() -> resolveShared(Host.SYSTEM));
  }

  /**
   * Starts a private server with defaults; the caller must close it.
   *
   * @return the running server
   * @throws IllegalStateException if no server can be had, or it did not start in 60 s (the
   *     message ends with the tail of its log)
   */
  public static MariaDbServer start() {
    return builder().start();
  }

  /** {@return a builder of a private server, with defaults} */
  public static Builder builder() {
    return new Builder();
  }

  static MariaDbServer resolveShared(Host host) {
    String url = host.env(ENV_URL);
    if (url != null) {
      JdbcAddress address = JdbcAddress.parse(ENV_URL, url, List.of("mariadb", "mysql"), 3306);
      External backend = new External("MariaDB", address.host(), address.port(), ENV_URL,
          "MariaDbServer.start()").checkReachable(url);
      return new MariaDbServer(backend, url, address.database(),
          Optional.ofNullable(host.env(ENV_USER)).orElse(MariaDbProcess.USER),
          Optional.ofNullable(host.env(ENV_PASSWORD)).orElse(MariaDbProcess.PASSWORD), false);
    }
    return launch(host, SqlConfig.defaults(), false, true);
  }

  static MariaDbServer launch(Host host, SqlConfig config, boolean owned, boolean shared) {
    Optional<Path> server = host.executable("mariadbd", SERVER_DIRS);
    Optional<Path> installDb = host.executable("mariadb-install-db", INSTALL_DB_DIRS);
    Backend backend;
    if (server.isPresent() && installDb.isPresent()) {
      MariaDbProcess process = new MariaDbProcess(server.get(), installDb.get(), config,
          RunAs.serviceUserIfRoot("mysql", host));
      process.start();
      backend = process;
    } else if (host.dockerAvailable()) {
      backend = Containers.mariadb(config);
    } else {
      List<String> dirs = new ArrayList<>(SERVER_DIRS);
      INSTALL_DB_DIRS.stream().filter(d -> !dirs.contains(d)).forEach(dirs::add);
      throw Missing.server("MariaDB", "mariadbd and mariadb-install-db", dirs,
          "apt-get install mariadb-server", ENV_URL + "=jdbc:mariadb://host:port/database (with "
              + ENV_USER + "/" + ENV_PASSWORD + ")", shared);
    }
    String url = "jdbc:mariadb://" + backend.host() + ":" + backend.port() + "/"
        + MariaDbProcess.DATABASE;
    return new MariaDbServer(backend, url, MariaDbProcess.DATABASE, MariaDbProcess.USER,
        MariaDbProcess.PASSWORD, owned);
  }

  /** Configures a private MariaDB. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Duration startupTimeout = ServerProcess.DEFAULT_STARTUP_TIMEOUT;

    private Builder() {}

    /**
     * A server option, passed as {@code --name=value}, e.g.
     * {@code setting("max-connections", "50")}; a later call for the same name replaces it.
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
     * Extra raw {@code mariadbd} flags; they come last.
     *
     * @param args the flags and their values, in order; none may be null
     * @return this builder
     */
    public Builder arg(String... args) {
      Builders.addArgs(this.args, args);
      return this;
    }

    /**
     * How long to wait for install-db and then for the server to be ready; default 60 s.
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
    public MariaDbServer start() {
      return launch(Host.SYSTEM, new SqlConfig(settings, args, startupTimeout), true, false);
    }
  }
}
