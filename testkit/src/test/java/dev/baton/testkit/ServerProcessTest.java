package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServerProcessTest {

  /** A redis-server whose first ports are dictated by the test. */
  private static final class DictatedPortRedis extends ServerProcess {
    private final Path binary;
    private final Deque<Integer> ports;
    private volatile int port;

    DictatedPortRedis(List<Integer> ports) {
      super("redis", "redis-server", Duration.ofSeconds(20), RunAs.current());
      this.binary = Host.SYSTEM.executable("redis-server", RedisServer.DIRS).orElseThrow();
      this.ports = new ArrayDeque<>(ports);
    }

    @Override
    void choosePorts() {
      port = ports.isEmpty() ? Ports.free() : ports.poll();
    }

    @Override
    List<String> command() {
      return List.of(binary.toString(), "--port", Integer.toString(port), "--bind",
          Ports.LOOPBACK, "--dir", dir().toString(), "--save", "", "--appendonly", "no");
    }

    @Override
    boolean probe() throws IOException {
      return RedisProcess.ping(host(), port, RedisConfig.defaults());
    }

    @Override
    public int port() {
      return port;
    }
  }

  @Test
  void aPortTakenMeanwhileMeansStartingAgainOnAnother() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
      DictatedPortRedis server = new DictatedPortRedis(List.of(taken.getLocalPort()));
      try {
        server.start();
        assertNotEquals(taken.getLocalPort(), server.port());
        assertTrue(server.isRunning());
        assertTrue(Files.readString(server.logFile()).toLowerCase()
            .contains("address already in use"));
      } finally {
        server.close();
      }
    }
  }

  @Test
  void givesUpAfterThreeTakenPortsAndSaysSo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
      int port = taken.getLocalPort();
      DictatedPortRedis server = new DictatedPortRedis(List.of(port, port, port, port));
      try {
        StartFailure failure = assertThrows(StartFailure.class, server::start);
        assertTrue(failure.addressInUse());
        assertTrue(failure.getMessage().contains("its port was taken"), failure.getMessage());
        assertTrue(failure.getMessage().contains("--port " + port), failure.getMessage());
        IllegalStateException e = assertThrows(IllegalStateException.class, server::restart);
        assertTrue(e.getMessage().contains("failed to start"), e.getMessage());
      } finally {
        server.close();
      }
      assertTrue(!Files.exists(server.dir()), "close() deletes even a failed server's dir");
    }
  }

  @Test
  void aFaultOnAClosedServerNamesIt() {
    RedisServer server = RedisServer.start();
    server.close();
    server.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, server::pause);
    assertTrue(e.getMessage().contains("is closed") && e.getMessage().contains("redis-server"),
        e.getMessage());
  }

  @Test
  void aSharedValueIsCreatedOnceUnderConcurrency() throws Exception {
    Shared<Object> shared = new Shared<>();
    AtomicInteger calls = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Object>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return shared.get(() -> {
            calls.incrementAndGet();
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new Object();
          });
        }));
      }
      go.countDown();
      Object first = results.get(0).get(10, TimeUnit.SECONDS);
      for (Future<Object> result : results) {
        assertSame(first, result.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, calls.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSharedFailureIsRememberedNotRetried() {
    Shared<String> shared = new Shared<>();
    AtomicInteger calls = new AtomicInteger();
    RuntimeException first = assertThrows(IllegalStateException.class, () -> shared.get(() -> {
      calls.incrementAndGet();
      throw new IllegalStateException("no binary");
    }));
    IllegalStateException again = assertThrows(IllegalStateException.class,
        () -> shared.get(() -> "never"));
    assertEquals(1, calls.get());
    assertSame(first, again.getCause());
    assertTrue(again.getMessage().contains("no binary"));
  }
}
