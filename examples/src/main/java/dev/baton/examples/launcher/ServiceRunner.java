package dev.baton.examples.launcher;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service instance on the JDK's HTTP server until the JVM is asked to stop (SIGTERM,
 * Ctrl-C), then shuts it down gracefully: stop accepting, let in-flight requests finish (up to
 * a few seconds), then close the service's resources in reverse order (the job threads, which
 * release their leases, then lock providers and pools).
 *
 * <p>On start it prints {@code LISTENING <port>} on standard output: the launcher reads it to
 * learn the free loopback port the instance bound ({@code --port}, default 0: any free port).
 */
public final class ServiceRunner {
  /** The line an instance prints once it accepts requests; the launcher waits for it. */
  public static final String LISTENING = "LISTENING ";
  private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  /**
   * Serves {@code handler} on {@code 127.0.0.1:--port} until the JVM shuts down.
   *
   * @param name the service's name, for logs
   * @param flags its flags ({@code --port})
   * @param handler the routes
   * @param resources closed after the server stopped, last one first
   */
  public static void serve(String name, Flags flags, HttpHandler handler,
      List<? extends AutoCloseable> resources) throws IOException, InterruptedException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), flags.intValue("port", 0)), 64);
    ExecutorService workers = Executors.newFixedThreadPool(16);
    server.setExecutor(workers);
    server.createContext("/", handler);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("{}: stopping (in-flight requests get up to 3 s)", name);
      server.stop(3); // stops accepting at once, waits for exchanges in progress
      workers.shutdown();
      try {
        workers.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (Exception e) {
          log.warn("{}: closing {} failed", name, resources.get(i), e);
        }
      }
      log.info("{}: stopped", name);
      stopped.countDown();
    }, name + "-shutdown"));
    server.start();
    int port = server.getAddress().getPort();
    log.info("{}: listening on http://127.0.0.1:{}", name, port);
    System.out.println(LISTENING + port);
    System.out.flush();
    stopped.await();
  }
}
