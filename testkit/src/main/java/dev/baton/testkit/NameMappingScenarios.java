package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.locks.Lease;
import dev.baton.locks.LockProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a backend maps lock names to its store, as contract scenarios: distinct names never
 * exclude each other, and every name either works or is refused with an
 * {@link IllegalArgumentException} that names it. A store that encodes names lossily (a client
 * that sends '?' for an unpaired surrogate, a collation that folds case or trailing spaces, a
 * truncation) shows here as two names sharing one lock.
 *
 * <p>{@link LockProviderContract} implements this interface, so every backend's contract test
 * runs these scenarios. The names are a fixed set of known troublemakers plus a seeded random
 * sample; a failure reports the seed, and {@code -Dbaton.nameFuzzSeed=<seed>} replays it.
 * The scenarios keep to a few hundred store operations.
 *
 * <p>Not thread-safe (JUnit runs one test method at a time per instance).
 */
public interface NameMappingScenarios {
  /** Random names per run, besides the fixed ones. */
  int RANDOM_NAMES = 60;

  /**
   * A new client of the store under test, independent of every other, closed by the suite
   * after the test (for {@link LockProviderContract}: its {@code client()}).
   *
   * @return a new provider, owned (and closed) by the suite
   */
  LockProvider nameMappingClient();

  /**
   * Takes every name with one client, checks that a second client is refused each of them,
   * releases them all and takes them again with the second client. A name may instead be
   * refused with an {@link IllegalArgumentException} naming it, by both clients alike.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  default void distinctNamesNeverExcludeEachOtherAndBadOnesAreRefusedByName() {
    long seed = Long.getLong("baton.nameFuzzSeed", System.nanoTime());
    String prefix = "names/" + UUID.randomUUID() + "/";
    List<String> names = NameSamples.names(prefix, new Random(seed), RANDOM_NAMES);
    String run = " (seed " + seed + ", replay with -Dbaton.nameFuzzSeed=" + seed + ")";
    Duration lease = Duration.ofSeconds(60);
    LockProvider first = nameMappingClient();
    LockProvider second = nameMappingClient();
    Map<String, Lease> held = new LinkedHashMap<>();
    Set<String> refused = new LinkedHashSet<>();
    try {
      for (String name : names) {
        try {
          Lease granted = first.tryAcquire(name, lease).orElse(null);
          if (granted == null) {
            fail("not granted though no other client holds it: " + NameSamples.escape(name)
                + "; it shares the store's key with one of the " + held.size()
                + " names held before it" + run);
          }
          assertEquals(name, granted.name(), "the lease's name" + run);
          held.put(name, granted);
        } catch (IllegalArgumentException e) {
          assertNamed(e, name, run);
          refused.add(name);
        } catch (RuntimeException e) {
          throw new AssertionError("neither granted nor refused as bad input: "
              + NameSamples.escape(name) + ": " + e + run, e);
        }
      }
      for (String name : held.keySet()) {
        if (second.tryAcquire(name, lease).isPresent()) {
          fail("granted twice: " + NameSamples.escape(name) + run);
        }
      }
      for (String name : refused) {
        try {
          second.tryAcquire(name, lease).ifPresent(Lease::release);
          fail("refused by one client, granted by another: " + NameSamples.escape(name) + run);
        } catch (IllegalArgumentException expected) {
          assertNamed(expected, name, run);
        }
      }
      for (Lease granted : held.values()) {
        assertTrue(granted.release(), "release of " + NameSamples.escape(granted.name()) + run);
      }
      for (String name : held.keySet()) {
        Lease again = second.tryAcquire(name, lease).orElse(null);
        if (again == null) {
          fail("not freed by its release: " + NameSamples.escape(name) + run);
        }
        assertTrue(again.release(), "release of " + NameSamples.escape(name) + run);
      }
    } finally {
      for (Lease granted : held.values()) {
        granted.release();
      }
    }
    assertTrue(held.size() + refused.size() == names.size(), "every name was tried" + run);
    assertTrue(held.size() >= names.size() / 3,
        "most names must work; refused " + refused.size() + " of " + names.size() + ", e.g. "
            + refused.stream().limit(5).map(NameSamples::escape).toList() + run);
  }

  private static void assertNamed(IllegalArgumentException e, String name, String run) {
    String message = String.valueOf(e.getMessage());
    assertTrue(message.contains(name) || message.contains(NameSamples.escape(name))
            || message.contains(NameSamples.escape(name, false)),
        "the refusal must name the name " + NameSamples.escape(name) + ", said: " + message + run);
  }

  /** The names the scenarios try. Stateless. */
  final class NameSamples {
    private static final int MAX_LENGTH = 1024;
    private static final String SEPARATORS = "?\uFFFD{}:/ %_'\\";

    private NameSamples() {}

    /** The fixed troublemakers and {@code random} more, all distinct, all behind {@code prefix}. */
    static List<String> names(String prefix, Random random, int count) {
      Set<String> names = new LinkedHashSet<>();
      for (String tricky : List.of(
          // one unpaired surrogate, and the characters a lossy encoder puts in its place
          "a\uD800", "a\uDC00", "a?", "a\uFFFD", "a??", "a\uD800?", "a\uDC00\uD800", "\uD800",
          "\uDFFFz", "a\uD800\uDC00", "a\uD83D\uDE00",
          // case, trailing spaces, composition: collations fold these
          "case", "CASE", "trail", "trail ", "trail\t", "\u00e9", "e\u0301", "stra\u00dfe", "strasse",
          // NUL and control characters
          "nul\u0000", "nul", "\u0000", "bell\u0007", "line\nbreak", "line\rbreak",
          // separators of keys and hash tags
          "{", "}", "{}", "{:", "}:fence", ":fence", "/", "a/", "a/b", "~", "%_", "\\", "'\"")) {
        names.add(prefix + tricky);
      }
      // Names of the greatest length, ending in the middle of a surrogate pair or after one.
      String fill = "x".repeat(MAX_LENGTH - prefix.length() - 2);
      names.add(prefix + fill + "\uD83D\uDE00");
      names.add(prefix + fill + "x\uD83D");
      names.add(prefix + fill + "x?");
      int fixed = names.size();
      while (names.size() < fixed + count) {
        // Half the names are well-formed UTF-16, so a backend that refuses unpaired surrogates
        // still maps many random names.
        names.add(prefix + randomName(random, 1 + random.nextInt(24), random.nextBoolean()));
      }
      return new ArrayList<>(names);
    }

    private static String randomName(Random random, int length, boolean wellFormed) {
      StringBuilder name = new StringBuilder(length);
      while (name.length() < length) {
        int kind = wellFormed ? 2 + random.nextInt(8) : random.nextInt(10);
        switch (kind) {
          case 0 -> name.append((char) (0xD800 + random.nextInt(0x400))); // lone high
          case 1 -> name.append((char) (0xDC00 + random.nextInt(0x400))); // lone low
          case 2 -> name.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000)); // a pair
          case 3 -> name.append((char) random.nextInt(0x20)); // control, NUL included
          case 4 -> name.append(SEPARATORS.charAt(random.nextInt(SEPARATORS.length())));
          case 5 -> name.append((char) (0xA0 + random.nextInt(0x2000))); // Latin to symbols
          case 6 -> name.append((char) (0x4E00 + random.nextInt(0x5000))); // CJK
          default -> name.append((char) (0x21 + random.nextInt(0x5E))); // printable ASCII
        }
      }
      return name.toString();
    }

    /** The name with control characters and unpaired surrogates as Java escapes. */
    static String escape(String name) {
      return escape(name, true);
    }

    /** The name with unpaired surrogates (and, if asked, control characters) as Java escapes. */
    static String escape(String name, boolean controls) {
      StringBuilder out = new StringBuilder(name.length() + 8);
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < name.length()
            && Character.isLowSurrogate(name.charAt(i + 1))) {
          out.append(c).append(name.charAt(++i));
        } else if (Character.isSurrogate(c) || (controls && Character.isISOControl(c))) {
          out.append(String.format("\\u%04X", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
  }
}
