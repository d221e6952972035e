package dev.baton.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema a validator checks against: compiled into Baton's own checks
 * ({@link SchemaCompiler}) when it uses only the keywords those cover, else networknt's
 * ({@link NetworkntSchema}) for the whole schema. Either way it is built, and every reference
 * resolved, by the constructor. Thread-safe: immutable once built.
 */
final class CompiledSchema {
  private static final Logger log = LoggerFactory.getLogger(CompiledSchema.class);

  private final SchemaCheck compiled;
  private final NetworkntSchema fallback;
  private final String fallbackReason;

  private CompiledSchema(SchemaCheck compiled, NetworkntSchema fallback, String fallbackReason) {
    this.compiled = compiled;
    this.fallback = fallback;
    this.fallbackReason = fallbackReason;
  }

  /** Compiles {@code schemaNode} (numbers canonical), falling back to networknt if need be. */
  static CompiledSchema of(JsonNode schemaNode, Map<String, String> registered) {
    try {
      return new CompiledSchema(SchemaCompiler.compile(schemaNode), null, null);
    } catch (SchemaCompiler.Refused e) {
      log.debug("schema checked by networknt, not compiled: {}", e.getMessage());
      return new CompiledSchema(null, new NetworkntSchema(schemaNode, registered), e.getMessage());
    }
  }

  /** The schema as networknt checks it, compiled or not: the reference in tests. */
  static CompiledSchema networknt(JsonNode schemaNode, Map<String, String> registered) {
    return new CompiledSchema(null, new NetworkntSchema(schemaNode, registered), "networknt asked for");
  }

  /** {@return whether Baton's own checks run (else networknt's)} */
  boolean isCompiled() {
    return compiled != null;
  }

  /** {@return why networknt checks this schema; null when compiled} */
  String fallbackReason() {
    return fallbackReason;
  }

  /**
   * Whether the member repairs ({@link Repair#DROP_UNKNOWN_KEY}, {@link Repair#DROP_NULL_OPTIONAL})
   * could change {@code instance}: a cheap pre-check on compiled schemas, always true otherwise.
   */
  boolean mayRepairMembers(JsonNode instance, java.util.Set<Repair> repairs) {
    return compiled == null || compiled.mayRepairMembers(instance,
        repairs.contains(Repair.DROP_UNKNOWN_KEY), repairs.contains(Repair.DROP_NULL_OPTIONAL));
  }

  /** Every violation; empty when valid. */
  List<Problem> validate(JsonNode instance) {
    if (compiled == null) {
      return fallback.validate(instance);
    }
    List<Problem> problems = new ArrayList<>(0);
    compiled.check(instance, PointerPath.ROOT, problems);
    return problems;
  }
}
