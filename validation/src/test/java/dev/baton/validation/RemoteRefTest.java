package dev.baton.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No remote {@code $ref} is fetched: a real listening server on loopback stands where the
 * schema points, and must never see a connection.
 */
class RemoteRefTest {
  ServerSocket server;
  String base;

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    base = "http://127.0.0.1:" + server.getLocalPort() + "/";
  }

  @AfterEach
  void close() throws IOException {
    server.close();
  }

  void assertNoConnection() throws IOException {
    server.setSoTimeout(200);
    try (Socket s = server.accept()) {
      throw new AssertionError("the validator connected to " + base + " from " + s.getRemoteSocketAddress());
    } catch (SocketTimeoutException expected) {
      // nobody came
    }
  }

  @Test
  void anUnregisteredRemoteRefFailsTheBuildWithoutConnecting() throws IOException {
    String schema = "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"" + base + "a.json\"}}}";

    // A fetch would connect and then wait forever for a reply this server never sends.
    ValidationException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
        ValidationException.class, () -> JsonValidator.forSchema(schema, Object.class)));

    assertTrue(e.getMessage().contains(base + "a.json") && e.getMessage().contains("not registered"), e::getMessage);
    assertNoConnection();
  }

  @Test
  void aRegisteredRemoteRefResolvesFromTheRegistration() throws IOException {
    JsonValidator<Object> v = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        JsonValidator.builder(Object.class)
            .schema("{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"" + base + "a.json#/$defs/n\"}}}")
            .registerSchema(base + "a.json", "{\"$defs\": {\"n\": {\"type\": \"integer\"}}}")
            .build());

    assertTrue(v.validate("{\"a\": 1}").isValid());
    ValidationResult<Object> bad = v.validate("{\"a\": \"x\"}");
    assertFalse(bad.isValid());
    assertEquals("/a", bad.problems().get(0).pointer());
    assertNoConnection();
  }

  @Test
  void theMetaSchemaResolvesFromTheBundledCopy() {
    JsonValidator<Object> v = JsonValidator.forSchema(
        "{\"$ref\": \"https://json-schema.org/draft/2020-12/schema\"}", Object.class);
    assertTrue(v.validate("{\"type\": \"string\"}").isValid());
    assertFalse(v.validate("{\"type\": 12}").isValid());
  }

  @Test
  void fileUrisAreRefusedToo() {
    assertThrows(ValidationException.class,
        () -> JsonValidator.forSchema("{\"$ref\": \"file:///etc/passwd\"}", Object.class));
  }
}
