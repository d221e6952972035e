package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Finds free TCP ports on the loopback interface. Thread-safe. */
final class Ports {
  static final String LOOPBACK = "127.0.0.1";

  /** Ports handed out by this JVM, never handed out twice. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final int MAX_TRIES = 100;

  private Ports() {}

  /**
   * Returns {@code count} distinct ports that were free a moment ago. All are bound at once and
   * then released, so they differ from each other; another process may still take one before
   * the server binds it, which callers handle by starting again on other ports.
   */
  static int[] free(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      int found = 0;
      for (int tries = 0; found < count; tries++) {
        if (tries >= MAX_TRIES) {
          throw new IllegalStateException(
              "Found only " + found + " of " + count + " free ports on " + LOOPBACK + " in "
                  + MAX_TRIES + " tries");
        }
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
        sockets.add(socket);
        if (HANDED_OUT.add(socket.getLocalPort())) {
          ports[found++] = socket.getLocalPort();
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot bind a free port on " + LOOPBACK, e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // The port is released either way.
        }
      }
    }
  }

  /** One free port; see {@link #free(int)}. */
  static int free() {
    return free(1)[0];
  }
}
