package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MariaDB as a private process: mariadb-install-db into the temp dir, then mariadbd on loopback
 * with its own socket file, ignoring every my.cnf ({@code --no-defaults}). An init file creates
 * database {@code baton} and user {@code baton}/{@code baton} with all privileges on every start.
 * As root, everything runs as user {@code mysql}. Thread-safe.
 */
final class MariaDbProcess extends ServerProcess {
  static final String USER = "baton";
  static final String PASSWORD = "baton";
  static final String DATABASE = "baton";
  static final String READY = "ready for connections";

  private static final String INIT_SQL = String.join("\n",
      "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";",
      "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';",
      "CREATE USER IF NOT EXISTS '" + USER + "'@'localhost' IDENTIFIED BY '" + PASSWORD + "';",
      "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;",
      "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'localhost' WITH GRANT OPTION;",
      "");

  private final Path server;
  private final Path installDb;
  private final SqlConfig config;
  private volatile int port;

  MariaDbProcess(Path server, Path installDb, SqlConfig config, RunAs runAs) {
    super("mariadb", "mariadbd", config.startupTimeout(), runAs);
    this.server = server;
    this.installDb = installDb;
    this.config = config;
  }

  private Path data() {
    return dir().resolve("data");
  }

  @Override
  void prepare() {
    try {
      Path tmp = Files.createDirectories(dir().resolve("tmp"));
      runAs().chown(tmp);
      Files.writeString(dir().resolve("init.sql"), INIT_SQL);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + dir() + " for MariaDB", e);
    }
    Commands.run("mariadb-install-db", runAs().wrap(List.of(installDb.toString(),
        "--no-defaults",
        "--datadir=" + data(),
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        "--skip-name-resolve")), dir(), dir().resolve("install-db.log"), null, startupTimeout());
  }

  @Override
  void choosePorts() {
    port = Ports.free();
  }

  @Override
  List<String> command() {
    List<String> command = new ArrayList<>(List.of(server.toString(),
        "--no-defaults",
        "--datadir=" + data(),
        "--port=" + port,
        "--bind-address=" + Ports.LOOPBACK,
        "--socket=" + dir().resolve("mysqld.sock"),
        "--pid-file=" + dir().resolve("mariadbd.pid"),
        "--tmpdir=" + dir().resolve("tmp"),
        "--init-file=" + dir().resolve("init.sql"),
        "--skip-name-resolve",
        "--max-connections=200",
        "--innodb-use-native-aio=0",
        "--innodb-buffer-pool-size=32M",
        "--innodb-flush-log-at-trx-commit=2",
        "--lc-messages=en_US"));
    for (Map.Entry<String, String> setting : config.settings().entrySet()) {
      command.add("--" + setting.getKey() + "=" + setting.getValue());
    }
    command.addAll(config.extraArgs());
    return command;
  }

  /** The log says it is ready for connections and the port takes a TCP connection. */
  @Override
  boolean probe() {
    return logSays(READY) && Tcp.canConnect(host(), port, PROBE_TIMEOUT);
  }

  @Override
  public int port() {
    return port;
  }
}
