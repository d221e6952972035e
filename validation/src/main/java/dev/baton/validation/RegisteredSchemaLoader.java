package dev.baton.validation;

import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.SchemaLoader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The only way a {@code $ref} leaves the schema document: to a schema the caller registered
 * under that exact URI, or to the JSON Schema meta-schemas that ship inside the validator jar
 * (which the validator maps to {@code classpath:draft/…}). Everything else, {@code http(s)} and
 * {@code file} included, is refused with an exception, so nothing is ever fetched. Placed first
 * in the validator's loader list, it answers before the validator's own URL loader is asked.
 * Thread-safe: the map is immutable.
 */
final class RegisteredSchemaLoader implements SchemaLoader {
  private static final String BUNDLED_META_SCHEMAS = "classpath:draft/";

  private final Map<String, byte[]> registered;

  RegisteredSchemaLoader(Map<String, String> registered) {
    this.registered = Map.copyOf(registered.entrySet().stream().collect(
        java.util.stream.Collectors.toMap(Map.Entry::getKey,
            e -> e.getValue().getBytes(StandardCharsets.UTF_8))));
  }

  @Override
  public InputStreamSource getSchema(AbsoluteIri iri) {
    String uri = iri.toString();
    byte[] schema = registered.get(uri);
    if (schema != null) {
      return () -> new ByteArrayInputStream(schema);
    }
    if (uri.startsWith(BUNDLED_META_SCHEMAS)) {
      return null; // the validator's classpath loader, next in line, reads its bundled copy
    }
    throw new ValidationException("schema '" + uri + "' is not registered: Baton never fetches"
        + " a remote $ref; register it with JsonValidator.Builder.registerSchema(uri, json)");
  }
}
