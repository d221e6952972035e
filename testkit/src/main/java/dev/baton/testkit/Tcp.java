package dev.baton.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** TCP reachability checks. */
final class Tcp {
  private Tcp() {}

  /** True when a TCP connection to host:port succeeds within {@code timeout}. */
  static boolean canConnect(String host, int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
