package dev.baton.testkit;

import java.nio.file.Path;

/**
 * A test JVM in a child process: starts a Redis, prints its temp dir, then either exits
 * normally ("exit": shutdown hooks run) or waits to be killed ("wait").
 */
public final class ChildJvm {
  private ChildJvm() {}

  public static void main(String[] args) throws Exception {
    RedisServer server = "shared".equals(args[1]) ? RedisServer.shared() : RedisServer.start();
    Path dir = server.logFile().getParent();
    System.out.println("DIR " + dir);
    System.out.flush();
    if ("exit".equals(args[0])) {
      System.exit(0);
    }
    Thread.sleep(60_000);
  }
}
