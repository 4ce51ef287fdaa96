package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.lang.reflect.Method;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns the JSON reader's exceptions into one-line messages in the protocol's words: the field (as
 * a path from the top of the document), what it must be, the limit that was hit and where. Never a
 * Java type, a library setting or a stack frame: the reader's own messages are not echoed, except
 * for syntax errors, whose wording names only JSON and is cut before any library name.
 */
public final class JsonErrors {
  private static final int MAX_DETAIL = 200;

  private JsonErrors() {}

  /**
   * A message for {@code e}, thrown while reading a JSON document or binding it to a type.
   *
   * @param e the error
   * @return the message, naming no library
   */
  public static String describe(Exception e) {
    if (e instanceof StreamConstraintsException limit) {
      return limit(limit.getMessage()) + where(limit.getLocation());
    }
    if (e instanceof JsonMappingException m) {
      if (m.getCause() instanceof StreamConstraintsException limit) {
        return limit(limit.getMessage()) + where(limit.getLocation());
      }
      return mapping(m);
    }
    if (e instanceof JsonProcessingException p) {
      return "malformed JSON" + where(p.getLocation()) + ": " + syntax(p.getOriginalMessage());
    }
    if (e instanceof InvalidCommandException invalid) {
      return invalid.getMessage();
    }
    if (e.getCause() instanceof Exception cause && cause != e) {
      return describe(cause);
    }
    return "unreadable JSON";
  }

  private static String mapping(JsonMappingException m) {
    String field = path(m);
    String subject = field.isEmpty() ? "the JSON value" : "field '" + field + "'";
    if (m instanceof ValueInstantiationException v && v.getCause() != null) {
      Throwable cause = v.getCause();
      if (cause instanceof InvalidCommandException invalid) {
        return invalid.getMessage();
      }
      Class<?> type = v.getType() == null ? Object.class : v.getType().getRawClass();
      // Only the protocol's own types explain themselves in protocol words.
      String why =
          cause instanceof IllegalArgumentException && type.getName().startsWith("dev.baton.")
              ? ": " + cause.getMessage()
              : "";
      return type.isEnum()
          ? subject + why + "; it must be " + expected(type)
          : subject + " is invalid" + why;
    }
    String message = String.valueOf(m.getOriginalMessage());
    if (message.startsWith("Trailing token")) {
      return "unexpected content after the JSON value" + where(m.getLocation());
    }
    if (m instanceof InvalidFormatException f && f.getTargetType() != null) {
      return subject + " must be " + expected(f.getTargetType()) + ", got " + shown(f.getValue());
    }
    if (m instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      if (message.contains("`null`")) {
        return subject + " must not be null";
      }
      return subject + " must be " + expected(mi.getTargetType()) + ", got " + found(mi);
    }
    return subject + " does not have the expected shape";
  }

  /** What a value of {@code type} is, in JSON terms. */
  static String expected(Class<?> type) {
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(JsonErrors::wireName)
              .collect(Collectors.joining(", "));
    }
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class
        || type == short.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class || CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "a timestamp string (ISO-8601, e.g. 2025-01-01T00:00:00Z)";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (JsonNode.class.isAssignableFrom(type)) {
      return "a JSON value of another type";
    }
    if (type.isRecord() || Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    return "a value of another type";
  }

  /** An enum constant as JSON spells it: its {@code @JsonValue}, else its name. */
  private static String wireName(Object constant) {
    for (Method m : constant.getClass().getMethods()) {
      if (m.isAnnotationPresent(JsonValue.class) && m.getParameterCount() == 0) {
        try {
          return String.valueOf(m.invoke(constant));
        } catch (ReflectiveOperationException e) {
          break;
        }
      }
    }
    return ((Enum<?>) constant).name();
  }

  /** The JSON type of the token the reader stopped at, when it can tell. */
  private static String found(MismatchedInputException e) {
    if (e.getProcessor() instanceof JsonParser parser) {
      JsonToken token = parser.currentToken();
      if (token != null) {
        return switch (token) {
          case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
          case START_ARRAY, END_ARRAY -> "an array";
          case VALUE_STRING -> "a string";
          case VALUE_NUMBER_INT -> "an integer";
          case VALUE_NUMBER_FLOAT -> "a number with a fraction";
          case VALUE_TRUE, VALUE_FALSE -> "a boolean";
          case VALUE_NULL -> "null";
          default -> "a value of another type";
        };
      }
    }
    // Reading from a tree leaves no token to look at: the reader's message names the input shape.
    String message = String.valueOf(e.getOriginalMessage());
    String[][] shapes = {
      {"String value", "a string"},
      {"VALUE_STRING", "a string"},
      {"Floating-point value", "a number with a fraction"},
      {"VALUE_NUMBER_FLOAT", "a number with a fraction"},
      {"Integer value", "an integer"},
      {"VALUE_NUMBER_INT", "an integer"},
      {"Boolean value", "a boolean"},
      {"VALUE_TRUE", "a boolean"},
      {"VALUE_FALSE", "a boolean"},
      {"START_OBJECT", "an object"},
      {"Object value", "an object"},
      {"START_ARRAY", "an array"},
      {"Array value", "an array"}
    };
    for (String[] shape : shapes) {
      if (message.contains(shape[0])) {
        return shape[1];
      }
    }
    return "a value of another type";
  }

  private static String shown(Object value) {
    String text =
        value instanceof String s ? "'" + Names.printable(s) + "'" : String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  /** The field's path from the top of the document: {@code fields.a[2].b}. */
  static String path(JsonMappingException m) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(Names.printable(r.getFieldName()));
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /** A read limit, named with its value; the reader's message is only used to tell which one. */
  private static String limit(String message) {
    String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
    if (m.contains("nesting depth")) {
      return "JSON nests deeper than " + Json.MAX_NESTING_DEPTH + " levels";
    }
    if (m.contains("number")) {
      return "a number is longer than " + Json.MAX_NUMBER_LENGTH + " characters";
    }
    if (m.contains("name")) {
      return "a field name is longer than " + Json.MAX_NAME_LENGTH + " characters";
    }
    if (m.contains("string")) {
      return "a string is longer than " + Json.MAX_STRING_LENGTH + " characters";
    }
    if (m.contains("document")) {
      return "the JSON document is larger than " + Json.MAX_DOCUMENT_BYTES + " bytes";
    }
    return "the JSON exceeds a read limit";
  }

  private static String where(JsonLocation at) {
    if (at == null || at.getLineNr() < 1) {
      return "";
    }
    return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /**
   * A syntax error's first line, cut before anything that names the reader's own settings or types
   * (backquoted names such as a feature to enable) and before the source excerpt.
   */
  static String syntax(String message) {
    if (message == null) {
      return "unreadable";
    }
    String line = message.lines().findFirst().orElse("");
    for (String marker : new String[] {"`", " (for ", "; enable", ": enable", " at [Source"}) {
      int at = line.indexOf(marker);
      if (at >= 0) {
        line = line.substring(0, at);
      }
    }
    line = line.strip();
    while (line.endsWith(":") || line.endsWith(";") || line.endsWith(",")) {
      line = line.substring(0, line.length() - 1).strip();
    }
    if (line.isEmpty()) {
      line = "unreadable";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < line.length() && out.length() < MAX_DETAIL; i++) {
      char c = line.charAt(i);
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.length() < line.length() ? out + "..." : out.toString();
  }
}
