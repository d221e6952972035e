package dev.baton.testkit;

/**
 * Decides whether the Docker path is open, without touching a Testcontainers class unless the
 * (optional) library is on the classpath. Thread-safe.
 */
final class ContainerSupport {
  private static final String PROBE_CLASS = "org.testcontainers.DockerClientFactory";
  private static volatile Boolean available;

  private ContainerSupport() {}

  static boolean dockerAvailable() {
    Boolean known = available;
    if (known == null) {
      known = probe();
      available = known;
    }
    return known;
  }

  /** Why the Docker path is closed, for messages. */
  static String unavailableReason() {
    return onClasspath() ? "no Docker engine answers"
        : "org.testcontainers:testcontainers is not on the test classpath";
  }

  private static boolean probe() {
    if (!onClasspath()) {
      return false;
    }
    try {
      return Containers.dockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** True when the optional Testcontainers library is on the classpath. */
  static boolean onClasspath() {
    try {
      Class.forName(PROBE_CLASS, false, ContainerSupport.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
