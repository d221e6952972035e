package dev.baton.testkit;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a private PostgreSQL or MariaDB is configured.
 *
 * @param settings server settings, name to value, applied last (PostgreSQL {@code -c name=value},
 *     MariaDB {@code --name=value})
 * @param extraArgs more raw server flags, appended after the settings
 */
record SqlConfig(Map<String, String> settings, List<String> extraArgs, Duration startupTimeout) {

  SqlConfig {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    extraArgs = List.copyOf(extraArgs);
  }

  static SqlConfig defaults() {
    return new SqlConfig(Map.of(), List.of(), ServerProcess.DEFAULT_STARTUP_TIMEOUT);
  }
}
