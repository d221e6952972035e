package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who a server process runs as. PostgreSQL and MariaDB refuse to run as root, so when the JVM
 * is root they run as their system user through {@code setpriv}, which execs the server: the
 * launched pid is the server itself, so signals reach it directly. Immutable.
 */
final class RunAs {
  private static final String SETPRIV = "setpriv";
  private static final RunAs CURRENT = new RunAs(null, -1, -1, null);

  private final String user;
  private final int uid;
  private final int gid;
  private final Path setpriv;

  private RunAs(String user, int uid, int gid, Path setpriv) {
    this.user = user;
    this.uid = uid;
    this.gid = gid;
    this.setpriv = setpriv;
  }

  /** Run as whoever runs the JVM. */
  static RunAs current() {
    return CURRENT;
  }

  /**
   * Run as {@code user} when the JVM is root, else as the current user. Fails when root but the
   * user or setpriv is missing.
   */
  static RunAs serviceUserIfRoot(String user, Host host) {
    if (!isRoot()) {
      return CURRENT;
    }
    Path setpriv = host.executable(SETPRIV, List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"))
        .orElseThrow(() -> new IllegalStateException("Running as root, the testkit must start"
            + " this server as user '" + user + "' with setpriv, but setpriv is not installed:"
            + " apt-get install util-linux, or run the tests as a non-root user"));
    try {
      int uid = Integer.parseInt(Commands.output(List.of("id", "-u", user)));
      int gid = Integer.parseInt(Commands.output(List.of("id", "-g", user)));
      return new RunAs(user, uid, gid, setpriv);
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("Running as root, the testkit must start this server as"
          + " system user '" + user + "', which does not exist (" + e.getMessage() + "). Install"
          + " the server package (it creates the user) or run the tests as a non-root user", e);
    }
  }

  /** True when the JVM runs with uid 0. */
  static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The user name when switching, empty when running as the current user. */
  Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The command prefixed with setpriv when switching user. */
  List<String> wrap(List<String> command) {
    if (user == null) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + uid,
        "--regid=" + gid, "--init-groups", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Gives the file or directory to the service user (no-op when not switching). */
  void chown(Path path) {
    if (user == null) {
      return;
    }
    try {
      Files.setAttribute(path, "unix:uid", uid);
      Files.setAttribute(path, "unix:gid", gid);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot give " + path + " to user " + user, e);
    }
  }
}
