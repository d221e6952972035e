package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema compiled by networknt's json-schema-validator (draft 2020-12 unless the schema's
 * {@code $schema} names another draft), with remote references limited to
 * {@link RegisteredSchemaLoader}: the fallback for the schemas {@link SchemaCompiler} does not
 * compile, and the reference the compiled checks are tested against. Nothing of networknt leaves
 * this class. Thread-safe: the
 * compiled schema is immutable once its validators are initialized, which the constructor does.
 */
final class NetworkntSchema {
  private final JsonSchema schema;

  NetworkntSchema(JsonNode schemaNode, Map<String, String> registered) {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
        builder -> builder.schemaLoaders(loaders -> loaders.add(new RegisteredSchemaLoader(registered))));
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
        .pathType(PathType.JSON_POINTER)
        .build();
    try {
      this.schema = factory.getSchema(schemaNode, config);
      schema.initializeValidators(); // resolves every $ref now: fail at build, not mid-request
    } catch (RuntimeException e) {
      ValidationException refused = refusal(e);
      throw refused != null ? refused
          : new ValidationException("schema cannot be used: " + e.getMessage(), e);
    }
  }

  /** The loader's refusal of an unregistered reference, wherever networknt wrapped it. */
  private static ValidationException refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ValidationException v) {
        return v;
      }
    }
    return null;
  }

  /** Every violation, in the validator's order; empty when valid. */
  List<Problem> validate(JsonNode instance) {
    Set<ValidationMessage> messages;
    try {
      messages = schema.validate(instance);
    } catch (RuntimeException e) {
      ValidationException refused = refusal(e);
      return List.of(refused != null ? new Problem("", "$ref", refused.getMessage())
          : new Problem("", "schema", "the schema could not be applied: " + e.getMessage()));
    }
    List<Problem> problems = new ArrayList<>(messages.size());
    for (ValidationMessage m : messages) {
      problems.add(new Problem(m.getInstanceLocation().toString(), m.getType(), m.getMessage()));
    }
    return problems;
  }
}
