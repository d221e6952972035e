package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Client-side checks the tests share: raw sockets, the etcd JSON gateway, JDBC. */
final class Probes {
  static final Duration SHORT = Duration.ofMillis(500);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();
  private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"");

  private Probes() {}

  /** Connecting must be refused outright (nothing listens). */
  static void assertRefused(String host, int port) {
    assertThrows(ConnectException.class, () -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 2_000);
      }
    }, "connecting to " + host + ":" + port);
  }

  /**
   * Connects (the kernel accepts even for a frozen server), sends {@code hello}, and expects the
   * first byte of an answer within {@code timeout}; returns it, or throws SocketTimeoutException.
   */
  static int firstByte(String host, int port, byte[] hello, Duration timeout) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
      socket.setSoTimeout((int) timeout.toMillis());
      if (hello.length > 0) {
        OutputStream out = socket.getOutputStream();
        out.write(hello);
        out.flush();
      }
      InputStream in = socket.getInputStream();
      return in.read();
    }
  }

  /** The server answers nothing within {@link #SHORT}. */
  static void assertSilent(String host, int port, byte[] hello) {
    assertThrows(SocketTimeoutException.class, () -> firstByte(host, port, hello, SHORT),
        host + ":" + port + " should be frozen");
  }

  /** PostgreSQL's SSLRequest: the server answers one byte, 'N' or 'S'. */
  static byte[] postgresSslRequest() {
    return ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
  }

  // ---- Redis.

  static String redis(RedisServer server, String... command) throws IOException {
    try (Resp resp = Resp.connect(server.host(), server.port(), Duration.ofSeconds(5))) {
      if (server.password().isPresent()) {
        String[] auth = server.user().isPresent()
            ? new String[] {"AUTH", server.user().get(), server.password().get()}
            : new String[] {"AUTH", server.password().get()};
        assertEquals("OK", resp.call(auth));
      }
      return resp.call(command);
    }
  }

  // ---- etcd v3 JSON gateway.

  static void etcdPut(String endpoint, String key, String value, Duration timeout)
      throws IOException, InterruptedException {
    String body = "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}";
    HttpResponse<String> response = post(endpoint + "/v3/kv/put", body, timeout);
    if (response.statusCode() != 200) {
      throw new IOException("put answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** The value, read linearizably or (serializable) from the member's own state. */
  static Optional<String> etcdGet(String endpoint, String key, boolean serializable,
      Duration timeout) throws IOException, InterruptedException {
    String body = "{\"key\":\"" + b64(key) + "\"" + (serializable ? ",\"serializable\":true" : "")
        + "}";
    HttpResponse<String> response = post(endpoint + "/v3/kv/range", body, timeout);
    if (response.statusCode() != 200) {
      throw new IOException("range answered " + response.statusCode() + ": " + response.body());
    }
    Matcher m = VALUE.matcher(response.body());
    return m.find()
        ? Optional.of(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8))
        : Optional.empty();
  }

  static HttpResponse<String> etcdHealth(String endpoint, Duration timeout)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(timeout)
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String body, Duration timeout)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  // ---- JDBC.

  static Connection postgres(PostgresServer server) throws SQLException {
    return postgres(server.jdbcUrl(), server.user(), server.password());
  }

  static Connection postgres(String url, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "10");
    return DriverManager.getConnection(url, props);
  }

  static Connection mariadb(MariaDbServer server) throws SQLException {
    return mariadb(server.jdbcUrl(), server.user(), server.password());
  }

  static Connection mariadb(String url, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5000");
    props.setProperty("socketTimeout", "10000");
    return DriverManager.getConnection(url, props);
  }

  static String queryOne(Connection connection, String sql) throws SQLException {
    try (var statement = connection.createStatement(); var rs = statement.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from " + sql);
      }
      return rs.getString(1);
    }
  }

  // ---- Hosts that pretend.

  /** The real machine, with some environment variables set. */
  static Host withEnv(Map<String, String> variables) {
    return new Host() {
      @Override
      String env(String name) {
        return variables.containsKey(name) ? variables.get(name) : super.env(name);
      }
    };
  }

  /** A machine with nothing installed, no Docker and no variables. */
  static Host bare() {
    return new Host() {
      @Override
      String env(String name) {
        return null;
      }

      @Override
      Optional<Path> executable(String name, List<String> extraDirs) {
        return Optional.empty();
      }

      @Override
      Optional<Path> postgresBinDir() {
        return Optional.empty();
      }

      @Override
      boolean dockerAvailable() {
        return false;
      }
    };
  }

  /** Polls {@code check} every 50 ms until it holds or {@code timeout} passes. */
  static boolean eventually(Duration timeout, Check check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (check.holds()) {
          return true;
        }
      } catch (Exception e) {
        // Not yet.
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(50);
    }
  }

  /** A condition that may throw while it does not hold yet. */
  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }
}
