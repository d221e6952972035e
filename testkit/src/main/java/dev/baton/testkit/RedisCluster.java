package dev.baton.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A private Redis Cluster of several masters (no replicas) on loopback: each a local
 * {@code redis-server} with {@code cluster-enabled yes}, its own port, temp dir and log; the
 * 16384 slots are split evenly, the nodes meet, and {@link #start(int)} returns once every
 * node reports {@code cluster_state:ok}. Each {@link #node(int) node} can be paused, killed and
 * restarted like a {@link RedisServer}. Needs the redis-server binary; it does not run on
 * Docker or on {@code BATON_TEST_REDIS_URI}. The caller closes it.
 *
 * <p>Thread-safe.
 */
public final class RedisCluster implements AutoCloseable {
  private static final int SLOTS = 16384;
  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts {@code masters} cluster nodes, spreads the slots evenly over them and waits until the
   * cluster is formed. The caller must close it.
   *
   * @param masters the number of master nodes (no replicas), at least 1
   * @return the formed cluster
   * @throws IllegalArgumentException if {@code masters} is less than 1
   * @throws IllegalStateException if a node did not start, the cluster did not form in time or
   *     the thread was interrupted (its interrupt status is kept); the started nodes are closed
   */
  public static RedisCluster start(int masters) {
    if (masters < 1) {
      throw new IllegalArgumentException("a Redis cluster needs at least 1 master, got " + masters);
    }
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        nodes.add(RedisServer.builder()
            .arg("--cluster-enabled", "yes", "--cluster-node-timeout", "5000",
                "--cluster-require-full-coverage", "yes")
            .start());
      }
      RedisCluster cluster = new RedisCluster(nodes);
      cluster.form();
      return cluster;
    } catch (RuntimeException | IOException | InterruptedException e) {
      nodes.forEach(RedisServer::close);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not form a Redis cluster of " + masters
          + " masters: " + e.getMessage(), e);
    }
  }

  private void form() throws IOException, InterruptedException {
    for (int i = 0; i < nodes.size(); i++) {
      int first = i * SLOTS / nodes.size();
      int last = (i + 1) * SLOTS / nodes.size() - 1;
      expectOk(node(i), "CLUSTER", "ADDSLOTSRANGE", Integer.toString(first), Integer.toString(last));
    }
    for (int i = 1; i < nodes.size(); i++) {
      expectOk(node(0), "CLUSTER", "MEET", node(i).host(), Integer.toString(node(i).port()));
    }
    long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
    for (RedisServer node : nodes) {
      while (!call(node, "CLUSTER", "INFO").contains("cluster_state:ok")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cluster not formed within " + FORM_TIMEOUT
              + "; CLUSTER INFO of " + node.port() + ": " + call(node, "CLUSTER", "INFO"));
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private static void expectOk(RedisServer node, String... command) throws IOException {
    String reply = call(node, command);
    if (!"OK".equals(reply)) {
      throw new IllegalStateException(String.join(" ", command) + " on port " + node.port()
          + " answered " + reply);
    }
  }

  private static String call(RedisServer node, String... command) throws IOException {
    try (Resp resp = Resp.connect(node.host(), node.port(), Duration.ofSeconds(5))) {
      String reply = resp.call(command);
      return reply == null ? "" : reply;
    }
  }

  /** {@return the nodes, in the order of their slot ranges} */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /**
   * One node.
   *
   * @param index the node's position, from 0
   * @return node {@code index}
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public RedisServer node(int index) {
    return nodes.get(index);
  }

  /** {@return {@code host:port} of every node, e.g. to seed a cluster client} */
  public List<String> addresses() {
    return nodes.stream().map(n -> n.host() + ":" + n.port()).toList();
  }

  /** Stops every node and deletes their temp dirs. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      nodes.forEach(RedisServer::close);
    }
  }

  @Override
  public String toString() {
    return "RedisCluster" + addresses();
  }
}
