package dev.baton.testkit.faults;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link Fault} may do to a running {@link FaultScenario}: find the worker holding a
 * long grant, pause, resume or restart a worker JVM, and note its steps in the run's log (the
 * checker uses them to tell a paused or killed worker from a hung one, and to time refusals
 * after a store restart).
 *
 * <p>Implemented by the runner; called from the runner's thread only. Not thread-safe.
 */
public interface FaultContext {

  /** {@return the lease time the workers ask for} */
  Duration lease();

  /** {@return the worker JVMs' ids, e.g. {@code w0, w1, w2}} */
  List<String> workers();

  /**
   * Waits until some worker holds a long grant (one that outlives its lease, renewed by
   * keepAlive) and says which.
   *
   * @param maxWait the longest wait
   * @return the worker JVM's id, or empty if none held a long grant within {@code maxWait}
   * @throws Exception if the register fails or the wait is interrupted
   */
  Optional<String> awaitLongHolder(Duration maxWait) throws Exception;

  /**
   * Freezes a worker JVM (SIGSTOP), waiting (bounded) until the kernel reports it stopped.
   *
   * @param worker the worker JVM's id
   * @throws Exception if it cannot be signalled
   */
  void pauseWorker(String worker) throws Exception;

  /**
   * Thaws a worker JVM (SIGCONT).
   *
   * @param worker the worker JVM's id
   * @throws Exception if it cannot be signalled
   */
  void resumeWorker(String worker) throws Exception;

  /**
   * Kills a worker JVM with SIGKILL and starts it again with the same command line; its
   * provider (and, for an in-JVM store, the store) starts from scratch.
   *
   * @param worker the worker JVM's id
   * @throws Exception if it cannot be killed or does not start again
   */
  void restartWorker(String worker) throws Exception;

  /**
   * Notes a step of the fault in the log, e.g. {@code ("store-killed", "redis")}. Use
   * {@code store-restarted} once a restarted store answers: refusals are timed from it.
   *
   * @param step what happened
   * @param target to what
   * @throws Exception if the register fails
   */
  void note(String step, String target) throws Exception;

  /**
   * Sleeps for {@code duration}: how a fault holds its state (a pause, a freeze).
   *
   * @param duration how long
   * @throws InterruptedException if interrupted
   */
  default void sleep(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }
}
