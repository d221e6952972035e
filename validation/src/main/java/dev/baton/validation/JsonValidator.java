package dev.baton.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates and repairs JSON written by a language model against a JSON Schema (draft 2020-12),
 * and binds it to a Java type.
 *
 * <pre>{@code
 * JsonValidator<Recommendations> validator = JsonValidator.forRecord(Recommendations.class);
 * ValidationResult<Recommendations> result = validator.validate(modelAnswer);
 * result.changes().forEach(change -> log.info("repaired: {}", change));
 * Recommendations recs = result.orElseThrow();   // or result.value() / result.problems()
 * }</pre>
 *
 * <p>What {@link #validate(String)} does, in order:
 * <ol>
 *   <li>rejects text over {@link Limits#maxInputBytes()} before looking at it;
 *   <li>finds the JSON: the whole text, else the first code fence holding JSON, else the first
 *       balanced {@code {…}}/{@code […]} that parses;
 *   <li>parses it within the {@link Limits} (depth, string and number length), refusing
 *       duplicate keys and numbers out of range;
 *   <li>repairs what the {@link RepairPolicy} allows, in this order: unknown keys, strings,
 *       invalid array items, arrays over {@code maxItems} — each change reported with its JSON
 *       Pointer;
 *   <li>validates the result against the schema; whatever is still wrong is a {@link Problem};
 *   <li>only if nothing is wrong, binds the JSON to the target type.
 * </ol>
 * Bad input never throws from {@code validate}: it comes back as a result with problems.
 *
 * <p>No {@code $ref} is ever fetched from the network: a reference outside the schema resolves
 * only to a schema registered with {@link Builder#registerSchema(String, String)} (or a JSON
 * Schema meta-schema bundled with the validator), and anything else fails the build.
 *
 * <p>Thread-safe: a built validator is immutable; build it once and share it.
 *
 * @param <T> the type the JSON is bound to (a record, or {@code Object} for maps and lists)
 */
public final class JsonValidator<T> {
  private static final Logger log = LoggerFactory.getLogger(JsonValidator.class);
  private static final ObjectMapper SCHEMA_MAPPER = JsonMapper.builder().build();

  private static final String WARM_UP = "Warming up:\n```json\n{\"a\": [1, \"b\"]}\n```";

  private static final Set<Repair> CAP_ARRAYS = Collections.unmodifiableSet(EnumSet.of(Repair.CAP_ARRAY));

  private final Class<T> type;
  private final RepairPolicy policy;
  /** The repairs of object members the policy allows, made in one walk before validation. */
  private final Set<Repair> memberRepairs;
  private final Limits limits;
  private final JsonNode schemaNode;
  /** The schema as compact JSON, written on the first {@link #schema()} call (a race writes it twice). */
  private volatile String schemaJson;
  private final CompiledSchema schema;
  private final SchemaRepairer repairer;
  private final BoundedJsonReader reader;
  private final JsonExtractor extractor;
  /** Bound to {@code type} once: its deserializer is resolved at build, not on first use. */
  private final ObjectReader binder;

  private JsonValidator(Builder<T> b, JsonNode schemaNode) {
    this.type = b.type;
    this.policy = b.policy;
    Set<Repair> members = EnumSet.of(Repair.DROP_UNKNOWN_KEY, Repair.DROP_NULL_OPTIONAL);
    members.retainAll(b.policy.allowed());
    this.memberRepairs = Collections.unmodifiableSet(members);
    this.limits = b.limits;
    this.schemaNode = schemaNode;
    // enum and const values compare with the instance's numbers, made canonical the same way.
    JsonNode canonicalSchema = Numbers.canonicalTree(schemaNode.deepCopy());
    this.schema = CompiledSchema.of(canonicalSchema, b.registered);
    this.repairer = new SchemaRepairer(canonicalSchema);
    this.reader = new BoundedJsonReader(limits);
    this.extractor = new JsonExtractor(reader);
    this.binder = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        // An absent member binds as null to a reference-type component (optional in the
        // schema); to a primitive it is an error, never a silent 0 or false.
        .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build()
        .readerFor(type);
    // One validation now loads and links the classes of every step (extraction, parsing, scan,
    // checks), so that the first answer does not pay for it.
    try {
      validate(WARM_UP);
    } catch (RuntimeException e) { // a record whose constructor refuses it: warm enough
      log.debug("warm-up validation of {} threw: {}", type.getName(), e.toString());
    }
  }

  /** {@return whether Baton's compiled checks run for this schema (else networknt's)} */
  boolean schemaCompiled() {
    return schema.isCompiled();
  }

  /**
   * A validator for a record, with a schema generated from it (every component required and
   * non-null, no other keys), {@link RepairPolicy#all()} and {@link Limits#defaults()}.
   *
   * @param <T> the record type
   * @param type the record class the JSON is bound to
   * @return the validator
   * @throws IllegalArgumentException if {@code type} is not a record
   */
  public static <T> JsonValidator<T> forRecord(Class<T> type) {
    return builder(type).build();
  }

  /**
   * A validator for a draft 2020-12 JSON Schema, binding to {@code type}, with
   * {@link RepairPolicy#all()} and {@link Limits#defaults()}.
   *
   * @param <T> the target type
   * @param schemaJson the schema, as JSON text
   * @param type what valid JSON is bound to (a record, or {@code Object} for maps and lists)
   * @return the validator
   * @throws ValidationException if the schema is not JSON or cannot be used
   */
  public static <T> JsonValidator<T> forSchema(String schemaJson, Class<T> type) {
    return builder(type).schema(schemaJson).build();
  }

  /**
   * A builder for a validator binding to {@code type}.
   *
   * @param <T> the target type
   * @param type what valid JSON is bound to; not null
   * @return the builder, with {@link RepairPolicy#all()}, {@link Limits#defaults()} and a
   *     schema generated from the record {@code type} unless one is set
   */
  public static <T> Builder<T> builder(Class<T> type) {
    return new Builder<>(type);
  }

  /**
   * Validates and repairs {@code text}, a model's answer: JSON, or JSON in prose or a code fence.
   * Never throws for bad input; see {@link ValidationResult}.
   *
   * @param text the model's answer; not null
   * @return the bound value, the repaired JSON, the changes made and the problems left
   */
  public ValidationResult<T> validate(String text) {
    Objects.requireNonNull(text, "text");
    try {
      reader.checkSize(text);
      return validateTree(extractor.extract(text));
    } catch (InputRejected e) {
      return rejected(e);
    }
  }

  /**
   * Validates and repairs a model's answer given as UTF-8 bytes; bytes that are not valid UTF-8
   * are a problem (with the offset of the first bad byte), not replaced.
   *
   * @param utf8 the model's answer, UTF-8 encoded; not null
   * @return the bound value, the repaired JSON, the changes made and the problems left
   */
  public ValidationResult<T> validate(byte[] utf8) {
    Objects.requireNonNull(utf8, "utf8");
    try {
      return validateTree(extractor.extract(reader.decode(utf8)));
    } catch (InputRejected e) {
      return rejected(e);
    }
  }

  private ValidationResult<T> rejected(InputRejected e) {
    log.debug("input rejected: {}", e.getMessage());
    return new ValidationResult<>(null, null, new Capped<>(), List.of(e.toProblem()), 1);
  }

  private ValidationResult<T> validateTree(JsonNode parsed) {
    Capped<Change> changes = new Capped<>();
    JsonNode[] root = {parsed};
    if (!memberRepairs.isEmpty() && schema.mayRepairMembers(root[0], memberRepairs)) {
      repairer.repair(root[0], memberRepairs, changes);
    }
    Capped<Problem> inputProblems =
        TreeScan.scan(root, limits, policy.allows(Repair.SANITIZE_STRING), changes);
    if (inputProblems.total() > 0) {
      return new ValidationResult<>(null, root[0], changes, inputProblems.kept(),
          inputProblems.total());
    }
    JsonNode doc = root[0];
    List<Problem> problems = schema.validate(doc);
    if (policy.allows(Repair.DROP_INVALID_ITEM) && !problems.isEmpty()) {
      problems = InvalidItemDropper.drop(doc, problems, schema,
          policy.allows(Repair.CAP_ARRAY), changes);
    }
    // A document that passed the schema has no array over a maxItems the repairer can see
    // (it follows only keywords that always apply): the walk is needed only after problems.
    if (policy.allows(Repair.CAP_ARRAY) && !problems.isEmpty()) {
      int before = changes.total();
      repairer.repair(doc, CAP_ARRAYS, changes);
      if (changes.total() > before) {
        problems = schema.validate(doc);
      }
    }
    T value = null;
    if (problems.isEmpty()) {
      try {
        value = doc.isNull() ? null : binder.readValue(doc);
      } catch (IOException | IllegalArgumentException e) {
        problems = List.of(bindingProblem(e, doc));
      }
    }
    if (log.isDebugEnabled()) {
      log.debug("validated as {}: {} change(s), {} problem(s)", type.getSimpleName(),
          changes.total(), problems.size());
    }
    int problemCount = problems.size();
    List<Problem> listed = problemCount > ValidationResult.MAX_LISTED
        ? problems.subList(0, ValidationResult.MAX_LISTED) : problems;
    return new ValidationResult<>(value, doc, changes, listed, problemCount);
  }

  private static Problem bindingProblem(Exception e, JsonNode doc) {
    String pointer = "";
    String message = e.getMessage();
    if (e instanceof JsonMappingException m) {
      StringBuilder p = new StringBuilder();
      for (JsonMappingException.Reference ref : m.getPath()) {
        p.append('/').append(ref.getFieldName() != null
            ? ref.getFieldName().replace("~", "~0").replace("/", "~1")
            : String.valueOf(ref.getIndex()));
      }
      pointer = p.toString();
      message = m.getOriginalMessage();
      List<JsonMappingException.Reference> path = m.getPath();
      if (!pointer.isEmpty() && doc.at(pointer).isMissingNode()
          && path.get(path.size() - 1).getFieldName() != null) {
        // An absent member the record cannot do without (a primitive): say so by name.
        message = "missing value for " + path.get(path.size() - 1).getFieldName() + ": " + message;
      }
    }
    return new Problem(pointer, Problem.BINDING, String.valueOf(message));
  }

  /** {@return the JSON Schema this validator checks against (compact JSON)} */
  public String schema() {
    String json = schemaJson;
    if (json == null) { // not at build: writing JSON loads Jackson's serializers, ~80 classes
      json = schemaNode.toString();
      schemaJson = json;
    }
    return json;
  }

  /**
   * The schema as OpenAI's Structured Outputs accept it in strict mode, to send as
   * {@code response_format.json_schema.schema}: every object has all its properties
   * {@code required} and {@code additionalProperties: false}, optional properties become
   * nullable, and keywords strict mode does not support are removed (see the module README for
   * the list). Answers are still validated against the full {@link #schema()}.
   *
   * @return the strict-mode schema, as compact JSON
   * @throws ValidationException if the schema's root is not an object schema
   */
  public String openAiStrictSchema() {
    return OpenAiStrictSchema.of(schemaNode).toString();
  }

  /** {@return the type valid JSON is bound to} */
  public Class<T> type() {
    return type;
  }

  /** {@return the repairs this validator may make} */
  public RepairPolicy policy() {
    return policy;
  }

  /** {@return the limits on the input} */
  public Limits limits() {
    return limits;
  }

  @Override
  public String toString() {
    return "JsonValidator[" + type.getName() + ", " + policy + ", " + limits + "]";
  }

  /**
   * Builds a {@link JsonValidator}. Without {@link #schema} or {@link #schemaResource}, the
   * schema is generated from the target type, which must then be a record. Each setter fails
   * fast on a bad value. Not thread-safe.
   *
   * @param <T> the target type
   */
  public static final class Builder<T> {
    private final Class<T> type;
    private RepairPolicy policy = RepairPolicy.all();
    private Limits limits = Limits.defaults();
    private String schemaJson;
    private String schemaSource;
    private final Map<String, String> registered = new LinkedHashMap<>();

    private Builder(Class<T> type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * The JSON Schema (draft 2020-12 unless its {@code $schema} says otherwise). It is parsed
     * and compiled by {@link #build()}.
     *
     * @param schemaJson the schema, as JSON text
     * @return this builder
     */
    public Builder<T> schema(String schemaJson) {
      this.schemaJson = Objects.requireNonNull(schemaJson, "schemaJson");
      this.schemaSource = "the schema string";
      return this;
    }

    /**
     * The JSON Schema from a classpath resource, found with the target type's class loader
     * (e.g. {@code "schemas/recommendations.json"}).
     *
     * @param resource the resource's path; a leading {@code /} is ignored
     * @return this builder
     * @throws ValidationException if there is no such resource
     */
    public Builder<T> schemaResource(String resource) {
      Objects.requireNonNull(resource, "resource");
      ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader()
          : JsonValidator.class.getClassLoader();
      String path = resource.startsWith("/") ? resource.substring(1) : resource;
      try (InputStream in = loader.getResourceAsStream(path)) {
        if (in == null) {
          throw new ValidationException("schema resource not found: " + resource);
        }
        this.schemaJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        this.schemaSource = "resource " + resource;
      } catch (IOException e) {
        throw new ValidationException("cannot read schema resource " + resource + ": " + e, e);
      }
      return this;
    }

    /**
     * Which repairs are allowed; {@link RepairPolicy#all()} by default.
     *
     * @param policy the repair policy
     * @return this builder
     */
    public Builder<T> policy(RepairPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Limits on the input; {@link Limits#defaults()} by default.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder<T> limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Makes a schema available to {@code $ref} under {@code uri} (absolute, without fragment);
     * the only way a reference outside the schema resolves.
     *
     * @param uri the schema's absolute URI, without a fragment
     * @param schemaJson the schema, as JSON text
     * @return this builder
     * @throws IllegalArgumentException if {@code uri} is not absolute or has a fragment
     * @throws ValidationException if {@code schemaJson} is not JSON
     */
    public Builder<T> registerSchema(String uri, String schemaJson) {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(schemaJson, "schemaJson");
      java.net.URI parsed;
      try {
        parsed = java.net.URI.create(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("uri must be an absolute URI: " + uri, e);
      }
      if (!parsed.isAbsolute() || parsed.getFragment() != null) {
        throw new IllegalArgumentException("uri must be absolute, without a fragment: " + uri);
      }
      readSchema(schemaJson, "registered schema " + uri);
      registered.put(uri, schemaJson);
      return this;
    }

    /**
     * Builds the validator, compiling the schema and resolving every reference now.
     *
     * @return the validator, immutable and thread-safe
     *
     * @throws ValidationException if the schema cannot be used
     * @throws IllegalArgumentException if no schema was given and the type is not a record
     * @throws IllegalStateException if the type is in a named module that does not open its
     *     package to Jackson (the message names the {@code opens} directive to add)
     */
    public JsonValidator<T> build() {
      ModuleAccess.checkOpenToJackson(type);
      JsonNode node = schemaJson != null
          ? readSchema(schemaJson, schemaSource)
          : RecordSchemaGenerator.generate(type);
      if (!node.isObject() && !node.isBoolean()) {
        throw new ValidationException("a schema must be an object or a boolean: " + schemaSource);
      }
      return new JsonValidator<>(this, node);
    }

    private static JsonNode readSchema(String json, String source) {
      try {
        return SCHEMA_MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        throw new ValidationException(source + " is not JSON: " + e.getOriginalMessage(), e);
      }
    }
  }
}
