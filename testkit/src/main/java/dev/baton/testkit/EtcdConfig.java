package dev.baton.testkit;

import java.time.Duration;
import java.util.List;

/**
 * How a private etcd is configured.
 *
 * @param tls the certificate clients are served with over TLS (peers stay plain), or null
 * @param extraArgs more server flags, appended last
 */
record EtcdConfig(TestCertificate tls, List<String> extraArgs, Duration startupTimeout) {

  EtcdConfig {
    extraArgs = List.copyOf(extraArgs);
  }

  static EtcdConfig defaults() {
    return new EtcdConfig(null, List.of(), ServerProcess.DEFAULT_STARTUP_TIMEOUT);
  }
}
