package dev.baton.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class the real servers it asks for: a parameter of type
 * {@link RedisServer}, {@link EtcdServer}, {@link PostgresServer} or {@link MariaDbServer} (in a
 * constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a test method) receives the
 * JVM's shared server of that kind, started on first use exactly as {@code shared()} starts it,
 * and never stopped by the test. A server that cannot be started fails the test with the reason
 * (it is never skipped).
 *
 * <pre>{@code
 * @TestServers
 * class OrderLocksTest {
 *   @Test
 *   void oneHolder(RedisServer redis, PostgresServer postgres) { ... }
 * }
 * }</pre>
 *
 * <p>The same as {@code @ExtendWith(TestServersExtension.class)}.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TestServersExtension.class)
public @interface TestServers {}
