package dev.baton.examples.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * JSON in and out of the JDK's HTTP server, for the services of the examples: read a bounded
 * request body, answer a status with a JSON body. Thread-safe (one shared, configured mapper).
 */
public final class Json {
  /** The one mapper of the examples (dates travel as ISO strings the services format). */
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  private Json() {}

  /**
   * Reads the request body as JSON.
   *
   * @throws BadRequest if it is larger than 64 KiB or not JSON
   */
  public static JsonNode read(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new BadRequest("request body larger than " + MAX_BODY + " bytes");
      }
      try {
        return MAPPER.readTree(body);
      } catch (JsonProcessingException e) {
        throw new BadRequest("malformed JSON: " + e.getOriginalMessage());
      }
    }
  }

  /** Answers {@code status} with {@code body} as JSON and ends the exchange. */
  public static void reply(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A request the service refuses with 400 and this message. */
  public static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
      super(message);
    }
  }
}
