package dev.baton.testkit.faults;

/**
 * One kind of fault the nemesis of a {@link FaultScenario} injects, again and again during the
 * run, between quiet spells. {@link Faults} has the built-in ones; a backend's test may add its
 * own (a lambda through {@link Faults#of}). An injection must undo itself before it returns
 * (resume what it paused, restart what it killed) and must be bounded in time; when it cannot
 * do its job it throws, and the run then fails: a fault that was not injected never yields a
 * passing run.
 *
 * <p>Implementations are called from the runner's thread only and need not be thread-safe.
 */
public interface Fault {

  /**
   * The fault's name in {@code [faults]} lines and the log, e.g. {@code store-restart}.
   *
   * @return a short name
   */
  String name();

  /**
   * Injects the fault once and undoes it.
   *
   * @param context the run: its workers, lease time and log
   * @throws Exception if the fault cannot be injected or undone; the run fails with it
   */
  void inject(FaultContext context) throws Exception;
}
