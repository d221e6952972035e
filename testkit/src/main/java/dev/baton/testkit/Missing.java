package dev.baton.testkit;

import java.util.List;

/** Builds the message for "no server to be had": what was looked for and what to install. */
final class Missing {
  private Missing() {}

  /**
   * @param server e.g. "Redis"
   * @param binaries e.g. "redis-server"
   * @param dirs well-known directories searched after PATH
   * @param install e.g. "apt-get install redis-server"
   * @param variable the environment variable that names an existing server, e.g.
   *     "BATON_TEST_REDIS_URI=redis://[user:password@]host:port"
   * @param shared true for {@code shared()}, which honours the variable; false for a private one
   */
  static IllegalStateException server(String server, String binaries, List<String> dirs,
      String install, String variable, boolean shared) {
    String docker = ContainerSupport.unavailableReason();
    String startDocker = ContainerSupport.onClasspath() ? "start Docker"
        : "start Docker with org.testcontainers:testcontainers on the test classpath";
    StringBuilder message = new StringBuilder()
        .append("No ").append(server).append(" server for tests: ").append(binaries)
        .append(" not found on PATH nor in ").append(String.join(", ", dirs))
        .append(", and Docker cannot be used (").append(docker).append("). ");
    if (shared) {
      message.append("Fix: ").append(install).append(", or set ").append(variable)
          .append(", or ").append(startDocker).append('.');
    } else {
      message.append("Fix: ").append(install).append(", or ").append(startDocker).append(". (")
          .append(variable, 0, variable.indexOf('='))
          .append(" only serves shared(): a private server must be started by the testkit.)");
    }
    return new IllegalStateException(message.toString());
  }
}
