package dev.baton.examples.launcher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of the launcher and of a single service instance: {@code --name value}
 * pairs, each also readable from an environment variable ({@code --jdbc} from
 * {@code BATON_JDBC}, {@code --instances} from {@code BATON_INSTANCES}); the flag wins.
 * Words that are not flags are kept in order (the launcher's flow name).
 *
 * <p>Immutable and thread-safe.
 */
public final class Flags {
  private final Map<String, String> values;
  private final List<String> words;
  private final Map<String, String> env;

  private Flags(Map<String, String> values, List<String> words, Map<String, String> env) {
    this.values = Map.copyOf(values);
    this.words = List.copyOf(words);
    this.env = env;
  }

  /** Parses {@code args} against this process's environment. */
  public static Flags parse(String... args) {
    return parse(System.getenv(), args);
  }

  static Flags parse(Map<String, String> env, String... args) {
    Map<String, String> values = new HashMap<>();
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        words.add(arg);
        continue;
      }
      String name = arg.substring(2);
      int eq = name.indexOf('=');
      if (eq >= 0) {
        values.put(name.substring(0, eq), name.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        values.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("flag --" + name + " needs a value");
      }
    }
    return new Flags(values, words, Map.copyOf(env));
  }

  /** {@return the flag's value, or the environment variable {@code BATON_<NAME>}} */
  public Optional<String> get(String name) {
    String value = values.get(name);
    if (value == null) {
      value = env.get("BATON_" + name.toUpperCase().replace('-', '_'));
    }
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }

  /** {@return the flag as an int, or {@code fallback}} */
  public int intValue(String name, int fallback) {
    Optional<String> value = get(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number: " + value.get());
    }
  }

  /** {@return the words that are not flags, in order} */
  public List<String> words() {
    return words;
  }

  /** {@return the flags as arguments again, without the words} (what an instance is given) */
  public List<String> asArgs() {
    List<String> args = new ArrayList<>();
    values.forEach((name, value) -> {
      args.add("--" + name);
      args.add(value);
    });
    return args;
  }
}
