package dev.baton.testkit.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-JVM store under the fault suite: three threads of one worker JVM contend; the JVM
 * (and with it the store) is killed with SIGKILL and started again, and its holder is frozen.
 * The fenced register outside the JVM must never see a token go back.
 */
@Timeout(240)
class LocalFaultSuiteTest {

  @Test
  void tokensSurviveARestartOfTheJvmThatHoldsTheStore() throws Exception {
    FaultScenario scenario = FaultScenario.builder("local-jvm-restart", LocalFaultBackend.class)
        .workers(1)
        .threadsPerWorker(3)
        .seconds(10)
        .fault(Faults.restartWorker())
        .fault(Faults.pauseHolder())
        .build();
    scenario.run().assertSafe(scenario.faultKinds());
  }
}
