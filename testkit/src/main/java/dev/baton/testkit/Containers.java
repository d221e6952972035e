package dev.baton.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The Docker fallback, used only when a server binary is missing. The only class that touches
 * Testcontainers (an optional dependency): load it only after {@link ContainerSupport} said the
 * library is on the classpath. Containers cannot be faulted: pause, resume, kill and restart
 * throw {@link UnsupportedOperationException}.
 */
final class Containers {
  static final String REDIS_IMAGE = "redis:7";
  static final String ETCD_IMAGE = "quay.io/coreos/etcd:v3.5.17";
  static final String POSTGRES_IMAGE = "postgres:16";
  static final String MARIADB_IMAGE = "mariadb:11";

  private Containers() {}

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  static Backend redis(RedisConfig config) {
    if (config.tls() != null) {
      throw new UnsupportedOperationException("RedisServer with TLS runs from the redis-server"
          + " binary only (its PEM files are on this machine): apt-get install redis-server");
    }
    List<String> command = new ArrayList<>(List.of("redis-server", "--protected-mode", "no"));
    command.addAll(config.serverArgs());
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE))
        .withExposedPorts(6379)
        .withCommand(command.toArray(String[]::new))
        .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
    return start("redis", container, 6379, config.startupTimeout());
  }

  static Backend etcd(EtcdConfig config) {
    if (config.tls() != null) {
      throw new UnsupportedOperationException("EtcdServer with TLS runs from the etcd binary"
          + " only (its PEM files are on this machine): apt-get install etcd-server");
    }
    List<String> command = new ArrayList<>(List.of("/usr/local/bin/etcd",
        "--name", "etcd0",
        "--data-dir", "/etcd-data",
        "--listen-client-urls", "http://0.0.0.0:2379",
        "--advertise-client-urls", "http://127.0.0.1:2379",
        "--listen-peer-urls", "http://0.0.0.0:2380",
        "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
        "--initial-cluster", "etcd0=http://127.0.0.1:2380"));
    command.addAll(config.extraArgs());
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(ETCD_IMAGE))
        .withExposedPorts(2379)
        .withCommand(command.toArray(String[]::new))
        .waitingFor(Wait.forHttp("/health").forPort(2379)
            .forResponsePredicate(body -> body.replace(" ", "").contains("\"health\":\"true\"")));
    return start("etcd", container, 2379, config.startupTimeout());
  }

  static Backend postgres(SqlConfig config) {
    List<String> command = new ArrayList<>(List.of("postgres",
        "-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off"));
    for (Map.Entry<String, String> setting : config.settings().entrySet()) {
      command.add("-c");
      command.add(setting.getKey() + "=" + setting.getValue());
    }
    command.addAll(config.extraArgs());
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
        .withExposedPorts(5432)
        .withEnv("POSTGRES_USER", PostgresProcess.USER)
        .withEnv("POSTGRES_PASSWORD", PostgresProcess.PASSWORD)
        .withEnv("POSTGRES_DB", PostgresProcess.DATABASE)
        .withCommand(command.toArray(String[]::new))
        // The entrypoint runs a temporary server to initialize, then the real one.
        .waitingFor(Wait.forLogMessage(".*" + PostgresProcess.READY + ".*\\n", 2));
    return start("postgres", container, 5432, config.startupTimeout());
  }

  static Backend mariadb(SqlConfig config) {
    List<String> command = new ArrayList<>(List.of("--max-connections=200"));
    for (Map.Entry<String, String> setting : config.settings().entrySet()) {
      command.add("--" + setting.getKey() + "=" + setting.getValue());
    }
    command.addAll(config.extraArgs());
    String grant = "GRANT ALL PRIVILEGES ON *.* TO '" + MariaDbProcess.USER
        + "'@'%' WITH GRANT OPTION;\n";
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(MARIADB_IMAGE))
        .withExposedPorts(3306)
        .withEnv("MARIADB_ROOT_PASSWORD", MariaDbProcess.PASSWORD)
        .withEnv("MARIADB_USER", MariaDbProcess.USER)
        .withEnv("MARIADB_PASSWORD", MariaDbProcess.PASSWORD)
        .withEnv("MARIADB_DATABASE", MariaDbProcess.DATABASE)
        .withCopyToContainer(Transferable.of(grant), "/docker-entrypoint-initdb.d/baton.sql")
        .withCommand(command.toArray(String[]::new))
        // The entrypoint runs a temporary server to initialize, then the real one.
        .waitingFor(Wait.forLogMessage(".*" + MariaDbProcess.READY + ".*\\n", 2));
    return start("mariadb", container, 3306, config.startupTimeout());
  }

  private static Backend start(String kind, GenericContainer<?> container, int port,
      Duration timeout) {
    Path dir = WorkDirs.create(kind + "-docker");
    Path log = dir.resolve(kind + ".log");
    LogWriter writer = new LogWriter(log);
    container.withLogConsumer(writer::accept);
    container.withStartupTimeout(timeout);
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw new IllegalStateException("Docker container " + container.getDockerImageName()
          + " did not start: " + e.getMessage() + "\n" + LogFiles.tailBlock(log, 0), e);
    }
    ContainerBackend backend = new ContainerBackend(kind, container, port, dir, log);
    Cleanup.register(backend);
    return backend;
  }

  /** Appends container output to a file. Thread-safe. */
  private static final class LogWriter {
    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();

    LogWriter(Path file) {
      this.file = file;
    }

    void accept(OutputFrame frame) {
      byte[] bytes = frame.getBytes();
      if (bytes == null) {
        return;
      }
      lock.lock();
      try {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException ignored) {
        // Losing a log line must not break the test.
      } finally {
        lock.unlock();
      }
    }
  }

  /** A started container. Thread-safe. */
  private static final class ContainerBackend implements Backend {
    private final String kind;
    private final GenericContainer<?> container;
    private final int internalPort;
    private final Path dir;
    private final Path log;

    ContainerBackend(String kind, GenericContainer<?> container, int internalPort, Path dir,
        Path log) {
      this.kind = kind;
      this.container = container;
      this.internalPort = internalPort;
      this.dir = dir;
      this.log = log;
    }

    @Override
    public String host() {
      return container.getHost();
    }

    @Override
    public int port() {
      return container.getMappedPort(internalPort);
    }

    @Override
    public Path logFile() {
      return log;
    }

    @Override
    public void pause() {
      throw unsupported("pause");
    }

    @Override
    public void resume() {
      throw unsupported("resume");
    }

    @Override
    public void kill() {
      throw unsupported("kill");
    }

    @Override
    public void restart() {
      throw unsupported("restart");
    }

    @Override
    public boolean isRunning() {
      return container.isRunning();
    }

    @Override
    public void close() {
      Cleanup.unregister(this);
      container.stop();
      WorkDirs.delete(dir);
    }

    @Override
    public String describe() {
      return kind + " in Docker container " + container.getDockerImageName() + " at " + host()
          + ":" + port();
    }

    private UnsupportedOperationException unsupported(String action) {
      return new UnsupportedOperationException("Cannot " + action + " " + describe() + ": fault"
          + " injection needs the server binary (the testkit then runs it as a local process)."
          + " Install it, e.g. with apt-get, so the testkit does not fall back to Docker");
    }
  }
}
