package dev.baton.testkit;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link TestServers}: resolves parameters of the testkit's
 * server types to the JVM's shared servers. Stateless and thread-safe (the shared servers are).
 */
public final class TestServersExtension implements ParameterResolver {
  private static final Map<Class<?>, Supplier<? extends TestServer>> SERVERS = Map.of(
      RedisServer.class, RedisServer::shared,
      EtcdServer.class, EtcdServer::shared,
      PostgresServer.class, PostgresServer::shared,
      MariaDbServer.class, MariaDbServer::shared);

  /** For JUnit. */
  public TestServersExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return SERVERS.containsKey(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    try {
      return SERVERS.get(type).get();
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("could not start the shared " + type.getSimpleName()
          + " for parameter '" + parameter.getParameter().getName() + "' of "
          + parameter.getDeclaringExecutable() + ": " + e.getMessage(), e);
    }
  }
}
