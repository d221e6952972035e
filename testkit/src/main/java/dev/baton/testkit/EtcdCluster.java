package dev.baton.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private etcd cluster of several members on loopback, each a local {@code etcd} process with
 * its own ports, temp dir and log, for tests of what happens when members fail: each
 * {@link #member(int) member} can be paused, resumed, killed and restarted (it then rejoins and
 * catches up). Needs the etcd binary ({@code apt-get install etcd-server}); it does not run on
 * Docker or on {@code BATON_TEST_ETCD_ENDPOINTS}. The caller closes it; closing stops every
 * member and deletes their temp dirs.
 *
 * <p>Thread-safe.
 */
public final class EtcdCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdCluster.class);
  private static final int START_ATTEMPTS = 3;

  private final List<EtcdProcess> processes;
  private final List<EtcdServer> members;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EtcdCluster(List<EtcdProcess> processes) {
    this.processes = List.copyOf(processes);
    this.members = processes.stream().map(EtcdServer::member).collect(Collectors.toList());
  }

  /**
   * Starts a cluster of {@code size} members and waits until every member is healthy (at most
   * 60 s). The caller must close it.
   *
   * @param size the number of members, at least 1
   * @return the running cluster
   * @throws IllegalArgumentException if {@code size} is less than 1
   * @throws IllegalStateException if the etcd binary is missing or the cluster did not start
   */
  public static EtcdCluster start(int size) {
    return start(size, ServerProcess.DEFAULT_STARTUP_TIMEOUT);
  }

  /**
   * Like {@link #start(int)}, waiting at most {@code startupTimeout} for the members.
   *
   * @param size the number of members, at least 1
   * @param startupTimeout the longest wait for every member to be healthy; positive
   * @return the running cluster
   * @throws IllegalArgumentException if {@code size} is less than 1 or the timeout not positive
   * @throws IllegalStateException if the etcd binary is missing or the cluster did not start
   */
  public static EtcdCluster start(int size, Duration startupTimeout) {
    if (size < 1) {
      throw new IllegalArgumentException("An etcd cluster needs at least 1 member, got " + size);
    }
    return start(Host.SYSTEM, size,
        new EtcdConfig(null, List.of(), Builders.startupTimeout(startupTimeout)));
  }

  static EtcdCluster start(Host host, int size, EtcdConfig config) {
    Path binary = host.executable(EtcdServer.BINARY, EtcdServer.DIRS).orElseThrow(() ->
        new IllegalStateException("EtcdCluster needs the etcd binary, found neither on PATH nor"
            + " in " + String.join(", ", EtcdServer.DIRS) + ". Fix: " + EtcdServer.INSTALL
            + " (a cluster does not run on Docker or on " + EtcdServer.ENV_ENDPOINTS + ")"));
    List<EtcdProcess> processes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      processes.add(new EtcdProcess(binary, "etcd" + i, config));
    }
    for (int attempt = 1; ; attempt++) {
      try {
        launchAll(processes, config.startupTimeout());
        LOG.info("Started etcd cluster of {} members: {}", size, processes);
        return new EtcdCluster(processes);
      } catch (StartFailure failure) {
        processes.forEach(EtcdProcess::kill);
        if (!failure.addressInUse() || attempt >= START_ATTEMPTS) {
          processes.forEach(EtcdProcess::fail);
          throw failure;
        }
        LOG.info("A port of the etcd cluster was taken meanwhile; starting again on others");
      } catch (RuntimeException e) {
        processes.forEach(EtcdProcess::fail);
        throw e;
      }
    }
  }

  private static void launchAll(List<EtcdProcess> processes, Duration timeout) {
    int[] ports = Ports.free(2 * processes.size());
    String token = "baton-" + UUID.randomUUID();
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      peers.add(processes.get(i).memberName() + "=http://" + Ports.LOOPBACK + ":" + ports[2 * i + 1]);
    }
    String initialCluster = String.join(",", peers);
    for (int i = 0; i < processes.size(); i++) {
      EtcdProcess process = processes.get(i);
      process.configure(ports[2 * i], ports[2 * i + 1], initialCluster, token);
      process.wipeData();
    }
    processes.forEach(EtcdProcess::launch);
    ServerProcess.awaitReady(processes, timeout);
  }

  /** {@return the members, in order; unmodifiable} */
  public List<EtcdServer> members() {
    return members;
  }

  /**
   * One member.
   *
   * @param index the member's position, from 0
   * @return member {@code index}
   * @throws IndexOutOfBoundsException if there is no such member
   */
  public EtcdServer member(int index) {
    if (index < 0 || index >= members.size()) {
      throw new IndexOutOfBoundsException("Member " + index + " of a cluster of "
          + members.size());
    }
    return members.get(index);
  }

  /** {@return the number of members} */
  public int size() {
    return members.size();
  }

  /** {@return every member's client URL, in member order} */
  public List<String> endpoints() {
    return members.stream().map(EtcdServer::endpoint).collect(Collectors.toList());
  }

  /** Stops every member and deletes their temp dirs; idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      processes.forEach(EtcdProcess::close);
    }
  }

  @Override
  public String toString() {
    return "EtcdCluster" + endpoints();
  }
}
