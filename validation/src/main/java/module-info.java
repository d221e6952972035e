/**
 * Validation and repair of model output against JSON Schema 2020-12, bound to records.
 * Jackson, networknt's validator and the victools schema generator are implementation details:
 * none of their types appear in the API, so none is re-exported.
 *
 * <p>Binding reads the application's records reflectively. When the application is a named
 * module, the package holding those records must be opened to Jackson:
 * {@code opens my.app.model to com.fasterxml.jackson.databind;} (the validator's error names
 * the package if it is not).
 */
module dev.baton.validation {
  requires com.fasterxml.jackson.databind;
  requires com.networknt.schema;
  requires com.github.victools.jsonschema.generator;
  requires com.github.victools.jsonschema.module.jackson;
  requires org.slf4j;

  exports dev.baton.validation;
}
