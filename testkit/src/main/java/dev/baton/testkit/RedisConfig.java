package dev.baton.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a private Redis is configured, whether it runs as a process or in a container.
 *
 * @param password the default user's password ({@code requirepass}), or null
 * @param user an extra ACL user with all permissions, or null
 * @param userPassword that user's password, or null
 * @param appendOnly true for AOF persistence with {@code appendfsync always}
 * @param tls the certificate to serve TLS with (and only TLS), or null for plain TCP
 * @param extraArgs more server flags, appended last so they win
 */
record RedisConfig(String password, String user, String userPassword, boolean appendOnly,
    TestCertificate tls, List<String> extraArgs, Duration startupTimeout) {

  RedisConfig {
    extraArgs = List.copyOf(extraArgs);
  }

  static RedisConfig defaults() {
    return new RedisConfig(null, null, null, false, null, List.of(),
        ServerProcess.DEFAULT_STARTUP_TIMEOUT);
  }

  /** Server flags that do not depend on where the server runs. */
  List<String> serverArgs() {
    List<String> args = new ArrayList<>(List.of("--save", "",
        "--appendonly", appendOnly ? "yes" : "no"));
    if (appendOnly) {
      args.addAll(List.of("--appendfsync", "always"));
    }
    if (tls != null) {
      args.addAll(List.of("--tls-cert-file", tls.certificatePem().toString(),
          "--tls-key-file", tls.privateKeyPem().toString(),
          "--tls-ca-cert-file", tls.certificatePem().toString(),
          "--tls-auth-clients", "no"));
    }
    if (password != null) {
      args.addAll(List.of("--requirepass", password));
    }
    if (user != null) {
      args.addAll(List.of("--user", user, "on", ">" + userPassword, "~*", "&*", "+@all"));
    }
    args.addAll(extraArgs);
    return args;
  }

  /** The AUTH command a client must send first, or an empty array. */
  String[] auth() {
    if (user != null) {
      return new String[] {"AUTH", user, userPassword};
    }
    if (password != null) {
      return new String[] {"AUTH", password};
    }
    return new String[0];
  }
}
