package dev.baton.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;

/**
 * Generates a draft 2020-12 schema from a record with victools' jsonschema-generator: one
 * property per component (named as Jackson names it, so {@code @JsonProperty} applies), every
 * component required and non-null, no other properties allowed, and the constraints of Baton's
 * annotations ({@link dev.baton.validation.constraints}) on the components. Nothing of victools leaves this
 * class. Thread-safe: the generator is built once and victools' generator is stateless per call.
 */
final class RecordSchemaGenerator {
  private static final SchemaGenerator GENERATOR = create();

  private RecordSchemaGenerator() {
  }

  private static SchemaGenerator create() {
    SchemaGeneratorConfigBuilder config =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(new JacksonModule())
            .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT);
    // Every component is required: a record cannot say "absent", and a missing primitive must
    // be an error, never a silent 0 or false.
    config.forFields().withRequiredCheck(field -> true);
    RecordConstraints.register(config); // @MaxItems, @Pattern, @Minimum ... on components
    return new SchemaGenerator(config.build());
  }

  static ObjectNode generate(Class<?> record) {
    if (!record.isRecord()) {
      throw new IllegalArgumentException("a schema can be generated only from a record class: "
          + record.getName());
    }
    RecordConstraints.check(record);
    try {
      return GENERATOR.generateSchema(record);
    } catch (RuntimeException e) {
      throw new ValidationException("cannot generate a schema from " + record.getName() + ": "
          + e.getMessage(), e);
    }
  }
}
