package dev.baton.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Sends POSIX signals to process trees. Java can only send SIGTERM and SIGKILL itself, so
 * other signals go through the shell's {@code kill} builtin ({@code /bin/sh} is always there,
 * the procps {@code kill} binary not necessarily).
 */
final class Signals {
  private static final Duration STATE_WAIT = Duration.ofSeconds(2);

  private Signals() {}

  /** The root followed by all its descendants, as of now. */
  static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  /** Sends {@code signal} (a name such as "STOP") to each live process in {@code targets}. */
  static void send(String signal, List<ProcessHandle> targets) {
    List<ProcessHandle> live = targets.stream().filter(ProcessHandle::isAlive)
        .collect(Collectors.toList());
    if (live.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "kill -s \"$0\" \"$@\"",
        signal));
    live.forEach(p -> command.add(Long.toString(p.pid())));
    try {
      Commands.output(command);
    } catch (IOException e) {
      // The builtin signals every pid it can and reports the others. A process that exited
      // meanwhile ("No such process") is no error; anything else (e.g. EPERM) is.
      List<String> errors = String.valueOf(e.getMessage()).lines()
          .filter(line -> line.contains("kill:")).collect(Collectors.toList());
      boolean onlyGone = !errors.isEmpty()
          && errors.stream().allMatch(line -> line.contains("No such process"));
      if (!onlyGone) {
        throw new IllegalStateException("Cannot send SIG" + signal + " to " + pids(live) + ": "
            + e.getMessage(), e);
      }
    }
  }

  /**
   * Freezes the tree: the root first so it forks no new children, then every descendant; waits
   * (bounded) until the kernel reports them all stopped.
   */
  static void stopTree(ProcessHandle root) {
    send("STOP", List.of(root));
    List<ProcessHandle> children = root.descendants().collect(Collectors.toList());
    send("STOP", children);
    List<ProcessHandle> all = new ArrayList<>(children);
    all.add(0, root);
    awaitStopped(all);
  }

  /** Thaws the tree: descendants first, then the root. */
  static void continueTree(ProcessHandle root) {
    List<ProcessHandle> all = tree(root);
    send("CONT", all.subList(1, all.size()));
    send("CONT", List.of(root));
  }

  /** SIGKILLs every process of the tree (taken before killing, as orphans lose their parent). */
  static void killTree(List<ProcessHandle> tree, Duration wait) {
    // Only wait for processes the kernel let us signal (not, say, another user's).
    List<ProcessHandle> signalled = new ArrayList<>();
    for (ProcessHandle process : tree) {
      if (process.destroyForcibly()) {
        signalled.add(process);
      }
    }
    awaitExit(signalled, wait);
  }

  /**
   * Waits until every process has exited (a zombie counts as exited: its parent may be slow to
   * reap it); true when they all did within {@code wait}.
   */
  static boolean awaitExit(List<ProcessHandle> processes, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    for (ProcessHandle process : processes) {
      while (process.isAlive() && !isZombie(process)) {
        if (System.nanoTime() - deadline > 0) {
          return false;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  private static void awaitStopped(List<ProcessHandle> processes) {
    long deadline = System.nanoTime() + STATE_WAIT.toNanos();
    for (ProcessHandle process : processes) {
      while (process.isAlive() && !isStopped(process) && System.nanoTime() - deadline < 0) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static boolean isStopped(ProcessHandle process) {
    char state = state(process);
    return state == 'T' || state == 't' || state == 'Z' || state == 'X' || state == '?';
  }

  private static boolean isZombie(ProcessHandle process) {
    char state = state(process);
    return state == 'Z' || state == 'X';
  }

  /** The state letter from /proc/PID/stat; '?' when unknown (no /proc, or already gone). */
  private static char state(ProcessHandle process) {
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    try {
      String text = Files.readString(stat);
      int close = text.lastIndexOf(')');
      return close >= 0 && close + 2 < text.length() ? text.charAt(close + 2) : '?';
    } catch (IOException e) {
      return '?';
    }
  }

  private static String pids(List<ProcessHandle> processes) {
    return processes.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "));
  }
}
