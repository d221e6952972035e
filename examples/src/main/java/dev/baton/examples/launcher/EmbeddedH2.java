package dev.baton.examples.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import org.h2.tools.Server;

/**
 * The default database of the flows that write: an in-memory H2 database served over TCP on a
 * free loopback port by the launcher, so that the instances (separate JVMs) share it. It lives
 * as long as the launcher.
 */
final class EmbeddedH2 implements AutoCloseable {
  private final Server server;
  private final String url;

  private EmbeddedH2(Server server, String url) {
    this.server = server;
    this.url = url;
  }

  static EmbeddedH2 start(String database) throws SQLException, IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
    // LOCK_TIMEOUT: bookings of one day wait for each other's row locks; H2's default is 1 s.
    String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:" + database
        + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    return new EmbeddedH2(server, url);
  }

  String url() {
    return url;
  }

  @Override
  public void close() {
    server.stop();
  }
}
