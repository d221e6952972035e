package dev.baton.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad suite parameters are refused with a message naming the value. */
class FaultScenarioArgumentsTest {

  private static void refused(String value, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  @Test
  void namesCountsAndDurationsAreChecked() {
    refused("'Bad Name'", () -> FaultScenario.builder("Bad Name", LocalFaultBackend.class));
    refused("'x y'", () -> Faults.of("x y", c -> { }));
    FaultScenario.Builder b = FaultScenario.builder("ok", LocalFaultBackend.class);
    refused("0", () -> b.workers(0));
    refused("17", () -> b.workers(17));
    refused("9", () -> b.threadsPerWorker(9));
    refused("0", () -> b.seconds(0));
    refused("PT0.1S", () -> b.lease(Duration.ofMillis(100)));
    refused("'a=b'", () -> b.property("a=b", "v"));
  }

  @Test
  void aBackendTheWorkersCannotInstantiateIsRefused() {
    refused(Hidden.class.getName(), () -> FaultScenario.builder("ok", Hidden.class));
  }

  @Test
  void aMalformedSoakTimeIsRefused() {
    System.setProperty(FaultScenario.SECONDS_PROPERTY, "ten");
    try {
      refused("'ten'", () -> FaultScenario.builder("ok", LocalFaultBackend.class).build());
      System.setProperty(FaultScenario.SECONDS_PROPERTY, "0");
      refused("0", () -> FaultScenario.builder("ok", LocalFaultBackend.class).build());
    } finally {
      System.clearProperty(FaultScenario.SECONDS_PROPERTY);
    }
  }

  static final class Hidden implements FaultBackend {
    @Override
    public dev.baton.locks.LockProvider create(java.util.Map<String, String> properties) {
      return null;
    }
  }
}
