package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TestServers} injects the JVM's shared servers, running, wherever JUnit resolves parameters. */
@TestServers
class TestServersExtensionTest {
  private static RedisServer redisBeforeAll;
  private final PostgresServer postgresOfConstructor;

  TestServersExtensionTest(PostgresServer postgres) {
    this.postgresOfConstructor = postgres;
  }

  @BeforeAll
  static void beforeAll(RedisServer redis) {
    redisBeforeAll = redis;
  }

  @Test
  void injectsTheSharedServersRunning(RedisServer redis, EtcdServer etcd, PostgresServer postgres,
      MariaDbServer mariadb) throws IOException {
    assertSame(RedisServer.shared(), redis);
    assertSame(redis, redisBeforeAll);
    assertSame(EtcdServer.shared(), etcd);
    assertSame(PostgresServer.shared(), postgres);
    assertSame(postgres, postgresOfConstructor);
    assertSame(MariaDbServer.shared(), mariadb);
    for (TestServer server : new TestServer[] {redis, etcd, postgres, mariadb}) {
      assertTrue(server.isRunning(), server + " is not running");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(server.host(), server.port()), 5_000);
      }
    }
  }
}
