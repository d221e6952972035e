package dev.baton.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A run whose backend cannot be built, or whose fault cannot be injected, fails. */
@Timeout(180)
class FaultRunFailureTest {

  @Test
  void aBackendThatCannotBeBuiltFailsTheRun() {
    FaultScenario scenario = FaultScenario.builder("no-backend", FailingBackend.class)
        .workers(1).seconds(1).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, scenario::run);
    assertTrue(e.getMessage().contains("exited with code 3")
        && e.getMessage().contains("no store here"), e.getMessage());
  }

  @Test
  void aFaultThatCannotBeInjectedFailsTheRun() {
    FaultScenario scenario = FaultScenario.builder("no-fault", BrokenLockBackend.class)
        .workers(1).seconds(1)
        .fault(Faults.of("cannot", context -> {
          throw new IllegalStateException("the server is not ours to kill");
        }))
        .build();
    IllegalStateException e = assertThrows(IllegalStateException.class, scenario::run);
    assertTrue(e.getMessage().contains("fault cannot could not be injected")
        && e.getMessage().contains("not ours to kill"), e.getMessage());
  }
}
