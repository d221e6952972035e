package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.validation.ValidationResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The flows the quick start runs keep doing what their output says. */
@Timeout(120)
class ExamplesTest {

  @Test
  void theSchedulerRunsTheJobOnce() throws Exception {
    assertEquals(1, SchedulerDemo.run(), "instances that ran the daily job");
  }

  @Test
  void thePlantApiIsCalledOnceForAllConcurrentRequests() throws Exception {
    assertEquals(1, PlantIdDemo.run(), "plant API calls for 30 concurrent requests");
  }

  @Test
  void theRecommenderAnswerIsRepairedAndBound() {
    ValidationResult<RecommenderDemo.Recommendations> result = RecommenderDemo.run();
    assertTrue(result.isValid(), result::toString);
    List<String> titles = result.orElseThrow().movies().stream()
        .map(RecommenderDemo.Movie::title).toList();
    assertEquals(List.of("Arrival", "Moon", "Gattaca"), titles);
    assertEquals(List.of("DROP_UNKNOWN_KEY", "DROP_NULL_OPTIONAL", "SANITIZE_STRING",
        "SANITIZE_STRING", "DROP_INVALID_ITEM", "CAP_ARRAY"),
        result.changes().stream().map(c -> c.kind().name()).toList());
  }
}
