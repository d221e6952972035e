/**
 * Annotations on record components that put JSON Schema constraints into the schema
 * {@code JsonValidator.forRecord} generates: {@link dev.baton.validation.constraints.MinItems},
 * {@link dev.baton.validation.constraints.MaxItems},
 * {@link dev.baton.validation.constraints.MinLength},
 * {@link dev.baton.validation.constraints.MaxLength},
 * {@link dev.baton.validation.constraints.Pattern},
 * {@link dev.baton.validation.constraints.Minimum} and
 * {@link dev.baton.validation.constraints.Maximum}.
 */
package dev.baton.validation.constraints;
