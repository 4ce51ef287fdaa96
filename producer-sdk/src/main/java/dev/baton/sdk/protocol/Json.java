package dev.baton.sdk.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration of the wire protocol. Reads are bounded so that a hostile record
 * cannot exhaust the heap or the stack: documents up to {@link #MAX_DOCUMENT_BYTES}, nesting up to
 * {@link #MAX_NESTING_DEPTH}, strings up to {@link #MAX_STRING_LENGTH} characters, numbers up to
 * {@link #MAX_NUMBER_LENGTH} characters. Scalars are never coerced ({@code "5"} is not a number),
 * so a wrong-typed field is an error, not a guess.
 *
 * <p>Numbers are kept exactly as sent: a number with a fraction or an exponent is read as a decimal
 * (never as a binary {@code double}, which would turn {@code 1e400} into infinity and {@code
 * 1.000000000000000000001} into {@code 1.0}), trailing zeros included, and written back in the same
 * value ({@code 1e400} comes back as {@code 1E+400}, equal as a JSON number). Which numbers a
 * command may hold at all is {@link StorableText}'s rule.
 */
public final class Json {

  /** Largest JSON document read, in bytes. */
  public static final int MAX_DOCUMENT_BYTES = 512 * 1024;

  /** Deepest nesting of arrays and objects read. */
  public static final int MAX_NESTING_DEPTH = 32;

  /** Longest string value read, in characters. */
  public static final int MAX_STRING_LENGTH = 256 * 1024;

  /** Longest number read, in characters. */
  public static final int MAX_NUMBER_LENGTH = 32;

  /** Longest property name read, in characters. */
  public static final int MAX_NAME_LENGTH = 1024;

  private static final ObjectMapper MAPPER = build();

  private Json() {}

  /**
   * The shared, thread-safe mapper. Do not reconfigure it.
   *
   * @return the mapper
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * {@code builder} set to keep numbers exactly: decimals, not doubles, for numbers with a fraction
   * or an exponent, trailing zeros kept. Every mapper that reads Baton values (the audit sink's
   * too) is built with it.
   *
   * @param builder the builder to set
   * @return {@code builder}
   */
  public static JsonMapper.Builder exactNumbers(JsonMapper.Builder builder) {
    return builder
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
  }

  private static ObjectMapper build() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_DOCUMENT_BYTES)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    JsonMapper mapper =
        exactNumbers(JsonMapper.builder(factory))
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    for (LogicalType type :
        new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }
}
