package dev.baton.testkit.faults;

import dev.baton.locks.LockProvider;
import java.util.Map;

/**
 * How a fault-suite worker builds the {@link LockProvider} under test: the plug-in point for
 * every backend, Baton's own and third parties'. Implement it in a public class with a public
 * no-arg constructor on the test class path; {@link FaultScenario} names the class on each
 * worker JVM's command line and passes the properties given to
 * {@link FaultScenario.Builder#property(String, String)} (addresses, credentials, options).
 *
 * <pre>{@code
 * public final class RedisFaultBackend implements FaultBackend {
 *   public LockProvider create(Map<String, String> properties) {
 *     return RedisLockProvider.builder(properties.get("uri")).timeout(Duration.ofMillis(500)).build();
 *   }
 * }
 * }</pre>
 *
 * <p>Each worker JVM calls {@link #create} once; all worker threads of that JVM share the
 * provider. Give the provider short store timeouts (well under the 1.5 s lease), so an outage
 * surfaces as {@code LockUnavailableException} rather than a stalled worker. Implementations
 * need not be thread-safe: they are called once per JVM, from its main thread.
 */
public interface FaultBackend {

  /**
   * Builds the provider one worker JVM uses.
   *
   * @param properties the scenario's properties, unmodifiable
   * @return a new provider; the worker closes it at the end of the run
   * @throws Exception if it cannot be built; the worker then exits and the run fails
   */
  LockProvider create(Map<String, String> properties) throws Exception;
}
