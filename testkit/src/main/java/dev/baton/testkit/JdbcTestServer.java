package dev.baton.testkit;

/**
 * A real SQL server for tests, {@link PostgresServer} or {@link MariaDbServer}: a
 * {@link TestServer} with what a JDBC client needs to connect. The testkit itself has no JDBC
 * driver; the test brings its own.
 *
 * <pre>{@code
 * DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
 * }</pre>
 *
 * <p>Thread-safe.
 */
public abstract sealed class JdbcTestServer extends TestServer
    permits PostgresServer, MariaDbServer {
  private final String jdbcUrl;
  private final String database;
  private final String user;
  private final String password;

  JdbcTestServer(Backend backend, String jdbcUrl, String database, String user, String password,
      boolean owned) {
    super(backend, owned);
    this.jdbcUrl = jdbcUrl;
    this.database = database;
    this.user = user;
    this.password = password;
  }

  /**
   * The JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:PORT/baton} for a server the testkit
   * runs; for a server from the environment, the URL given there, unchanged.
   *
   * @return the JDBC URL
   */
  public final String jdbcUrl() {
    return jdbcUrl;
  }

  /** {@return the database name ({@code baton}; from the URL for an environment-given server)} */
  public final String database() {
    return database;
  }

  /** {@return the user to log in as ({@code baton}, unless the environment names another)} */
  public final String user() {
    return user;
  }

  /** {@return the user's password ({@code baton}, unless the environment names another)} */
  public final String password() {
    return password;
  }
}
