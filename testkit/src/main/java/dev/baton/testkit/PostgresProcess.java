package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL as a private process: initdb into the temp dir (superuser {@code baton}, password
 * {@code baton}, scram-sha-256 over TCP), database {@code baton} created in single-user mode,
 * then the postmaster on loopback only (no Unix socket). As root, everything runs as user
 * {@code postgres}. Thread-safe.
 */
final class PostgresProcess extends ServerProcess {
  static final String USER = "baton";
  static final String PASSWORD = "baton";
  static final String DATABASE = "baton";
  static final String READY = "database system is ready to accept connections";

  private static final String CONFIG = String.join("\n",
      "",
      "# Added by the Baton testkit: a throwaway server tuned for tests.",
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      "max_connections = 200",
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "logging_collector = off",
      "log_destination = 'stderr'",
      "lc_messages = 'C'",
      "password_encryption = 'scram-sha-256'",
      "");

  private final Path binDir;
  private final SqlConfig config;
  private volatile int port;

  PostgresProcess(Path binDir, SqlConfig config, RunAs runAs) {
    super("postgres", "postgres", config.startupTimeout(), runAs);
    this.binDir = binDir;
    this.config = config;
  }

  private Path data() {
    return dir().resolve("data");
  }

  @Override
  void prepare() {
    Path log = dir().resolve("initdb.log");
    Path passwordFile = dir().resolve("password");
    try {
      Files.writeString(passwordFile, PASSWORD + "\n");
      runAs().chown(passwordFile);
      Commands.run("initdb", runAs().wrap(List.of(binDir.resolve("initdb").toString(),
          "-D", data().toString(),
          "-U", USER,
          "--pwfile=" + passwordFile,
          "--auth-host=scram-sha-256",
          "--auth-local=trust",
          "--locale=C",
          "--encoding=UTF8",
          "--no-sync")), dir(), log, null, startupTimeout());
      Files.delete(passwordFile);
      Files.writeString(data().resolve("postgresql.conf"), CONFIG, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the PostgreSQL data directory " + data(), e);
    }
    long offset = LogFiles.size(log);
    Commands.run("postgres --single (CREATE DATABASE " + DATABASE + ")",
        runAs().wrap(List.of(binDir.resolve("postgres").toString(), "--single",
            "-D", data().toString(), "template1")),
        dir(), log, "CREATE DATABASE " + DATABASE + ";\n", startupTimeout());
    if (LogFiles.containsSince(log, offset, "ERROR:")) {
      throw new StartFailure("Creating database " + DATABASE + " failed\n"
          + LogFiles.tailBlock(log, offset), null);
    }
  }

  @Override
  void choosePorts() {
    port = Ports.free();
  }

  @Override
  List<String> command() {
    List<String> command = new ArrayList<>(List.of(binDir.resolve("postgres").toString(),
        "-D", data().toString(),
        "-p", Integer.toString(port)));
    for (Map.Entry<String, String> setting : config.settings().entrySet()) {
      command.add("-c");
      command.add(setting.getKey() + "=" + setting.getValue());
    }
    command.addAll(config.extraArgs());
    return command;
  }

  /** The log says it accepts connections and the port takes a TCP connection. */
  @Override
  boolean probe() {
    return logSays(READY) && Tcp.canConnect(host(), port, PROBE_TIMEOUT);
  }

  /** Fast shutdown: roll back, checkpoint (quick with fsync off), exit. */
  @Override
  String stopSignal() {
    return "INT";
  }

  @Override
  public int port() {
    return port;
  }
}
