package dev.baton.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server that can hold back the server's replies,
 * so a test can make a reply arrive after the client's timeout while the request itself was
 * carried out, deterministically:
 *
 * <pre>{@code
 * try (DelayingProxy proxy = DelayingProxy.start(redis.host(), redis.port())) {
 *   proxy.delayReplies(Duration.ofSeconds(2));   // longer than the client's timeout
 *   ...                                           // connect the client to proxy.port()
 * }
 * }</pre>
 *
 * <p>Each chunk the server sends is forwarded only after the delay in force when it was read;
 * requests go through at once. When either side closes its connection, the proxy closes the
 * other side too, as a server would see a client go away. Thread-safe.
 */
public final class DelayingProxy implements AutoCloseable {
  private static final AtomicInteger threads = new AtomicInteger();

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile long replyDelayNanos;
  private volatile boolean closed;

  private DelayingProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /**
   * Listens on a free port of 127.0.0.1 and forwards every connection to host:port.
   *
   * @param host the host of the real server; not null
   * @param port the port of the real server
   * @return the running proxy; close it when done
   * @throws java.io.UncheckedIOException if the proxy cannot listen
   */
  public static DelayingProxy start(String host, int port) {
    Objects.requireNonNull(host, "host");
    try {
      DelayingProxy proxy = new DelayingProxy(host, port);
      daemon("accept", proxy::acceptLoop).start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a proxy to " + host + ":" + port, e);
    }
  }

  /**
   * The host clients connect to.
   *
   * @return the loopback address the proxy listens on, e.g. 127.0.0.1
   */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  /**
   * The port clients connect to.
   *
   * @return the local port the proxy listens on
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Holds back every reply read from now on by {@code delay}; zero forwards them at once.
   *
   * @param delay how long to hold back each reply; zero or positive
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public void delayReplies(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    this.replyDelayNanos = delay.toNanos();
  }

  /** Closes every proxied connection (both sides), and keeps accepting new ones. */
  public void dropConnections() {
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  /** Stops listening and closes every proxied connection. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    dropConnections();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      sockets.add(client);
      sockets.add(server);
      daemon("request", () -> pump(client, server, false)).start();
      daemon("reply", () -> pump(server, client, true)).start();
    }
  }

  private void pump(Socket from, Socket to, boolean delayed) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        long delay = delayed ? replyDelayNanos : 0;
        if (delay > 0) {
          TimeUnit.NANOSECONDS.sleep(delay);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // one side went away: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static Thread daemon(String role, Runnable task) {
    Thread thread = new Thread(task, "delaying-proxy-" + role + "-" + threads.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // already closed
    }
  }

  @Override
  public String toString() {
    return "DelayingProxy[" + port() + " -> " + targetHost + ":" + targetPort + "]";
  }
}
