package dev.baton.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the testkit sees of the machine: environment variables, executables, Docker. Tests
 * override it to pretend something is missing. Thread-safe.
 */
class Host {
  static final Host SYSTEM = new Host();

  private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

  /** The variable's value, trimmed; null when unset or blank. */
  String env(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The first executable file called {@code name} on PATH, then in {@code extraDirs}. */
  Optional<Path> executable(String name, List<String> extraDirs) {
    for (Path dir : searchPath(extraDirs)) {
      Path candidate = dir.resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * A directory holding both {@code postgres} and {@code initdb} of the same installation:
   * found via PATH (symlinks resolved), else {@code /usr/lib/postgresql/VERSION/bin} (Debian,
   * highest version first), {@code /usr/pgsql-VERSION/bin} (RHEL), {@code /usr/local/pgsql/bin}.
   */
  Optional<Path> postgresBinDir() {
    for (Path dir : searchPath(List.of())) {
      Path postgres = dir.resolve("postgres");
      if (Files.isRegularFile(postgres) && Files.isExecutable(postgres)) {
        try {
          Path real = postgres.toRealPath().getParent();
          if (hasPostgres(real)) {
            return Optional.of(real);
          }
        } catch (IOException ignored) {
          // Try the next candidate.
        }
      }
    }
    List<Path> candidates = new ArrayList<>();
    candidates.addAll(versionedDirs(Path.of("/usr/lib/postgresql"), "", "bin"));
    candidates.addAll(versionedDirs(Path.of("/usr"), "pgsql-", "bin"));
    candidates.add(Path.of("/usr/local/pgsql/bin"));
    return candidates.stream().filter(Host::hasPostgres).findFirst();
  }

  /** True when Testcontainers is on the classpath and a Docker engine answers. */
  boolean dockerAvailable() {
    return ContainerSupport.dockerAvailable();
  }

  private List<Path> searchPath(List<String> extraDirs) {
    List<Path> dirs = new ArrayList<>();
    String path = env("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          dirs.add(Path.of(entry));
        }
      }
    }
    extraDirs.forEach(d -> dirs.add(Path.of(d)));
    return dirs;
  }

  private static boolean hasPostgres(Path dir) {
    return Files.isExecutable(dir.resolve("postgres")) && Files.isExecutable(dir.resolve("initdb"));
  }

  /** {@code parent/PREFIX<version>/suffix} directories, highest version first. */
  private static List<Path> versionedDirs(Path parent, String prefix, String suffix) {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(parent)) {
      return found;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, prefix + "*")) {
      for (Path entry : entries) {
        String version = entry.getFileName().toString().substring(prefix.length());
        if (VERSION.matcher(version).matches()) {
          found.add(entry.resolve(suffix));
        }
      }
    } catch (IOException ignored) {
      return found;
    }
    found.sort(Comparator.comparing((Path p) -> versionKey(p, parent, prefix)).reversed());
    return found;
  }

  private static long versionKey(Path dir, Path parent, String prefix) {
    String name = parent.relativize(dir).getName(0).toString().substring(prefix.length());
    Matcher m = VERSION.matcher(name);
    if (!m.matches()) {
      return 0;
    }
    long major = Long.parseLong(m.group(1));
    long minor = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    return major * 1_000_000 + minor;
  }
}
