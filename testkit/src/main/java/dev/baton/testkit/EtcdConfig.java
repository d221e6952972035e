package dev.baton.testkit;

import java.time.Duration;
import java.util.List;

/**
 * How a private etcd is configured.
 *
 * @param extraArgs more server flags, appended last
 */
record EtcdConfig(List<String> extraArgs, Duration startupTimeout) {

  EtcdConfig {
    extraArgs = List.copyOf(extraArgs);
  }

  static EtcdConfig defaults() {
    return new EtcdConfig(List.of(), ServerProcess.DEFAULT_STARTUP_TIMEOUT);
  }
}
