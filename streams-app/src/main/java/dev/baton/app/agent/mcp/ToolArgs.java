package dev.baton.app.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Names;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The arguments of one tool call, read strictly: a missing required argument, a wrong type or an
 * argument the tool does not know is a {@link ToolFailure} naming it. Scalars are never coerced.
 */
public final class ToolArgs {
  private final String tool;
  private final JsonNode args;

  public ToolArgs(String tool, JsonNode args) {
    this.tool = tool;
    this.args = args == null || args.isNull() ? ToolJson.object() : args;
    if (!this.args.isObject()) {
      throw ToolFailure.invalid(tool + ": arguments must be a JSON object");
    }
  }

  /** Fails on any argument not in {@code known}. */
  public ToolArgs only(Set<String> known) {
    for (Iterator<String> names = args.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw ToolFailure.invalid(
            tool + ": unknown argument '" + Names.printable(name) + "'; known: " + known);
      }
    }
    return this;
  }

  public String string(String name) {
    String value = optString(name);
    if (value == null) {
      throw ToolFailure.invalid(tool + ": argument '" + name + "' is required");
    }
    return value;
  }

  public String optString(String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ToolFailure.invalid(tool + ": argument '" + name + "' must be a string");
    }
    return v.asText();
  }

  /** An id argument ({@link Names#checkId}). */
  public String id(String name) {
    return checkedId(name, string(name));
  }

  public String optId(String name) {
    String value = optString(name);
    return value == null ? null : checkedId(name, value);
  }

  private String checkedId(String name, String value) {
    try {
      return Names.checkId(name, value);
    } catch (RuntimeException e) {
      throw ToolFailure.invalid(tool + ": " + e.getMessage());
    }
  }

  /** An integer argument within {@code [min, max]}, or null when absent. */
  public Long optLong(String name, long min, long max) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw ToolFailure.invalid(
          tool + ": argument '" + name + "' must be an integer from " + min + " to " + max);
    }
    return v.asLong();
  }

  public boolean flag(String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ToolFailure.invalid(tool + ": argument '" + name + "' must be true or false");
    }
    return v.asBoolean();
  }

  public ObjectNode optObject(String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw ToolFailure.invalid(tool + ": argument '" + name + "' must be an object");
    }
    return (ObjectNode) v;
  }

  public List<String> optStrings(String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw ToolFailure.invalid(tool + ": argument '" + name + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw ToolFailure.invalid(tool + ": argument '" + name + "' must be an array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  /** An enum argument, by its name; null when absent. */
  public <E extends Enum<E>> E optEnum(String name, Class<E> type) {
    String value = optString(name);
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw ToolFailure.invalid(
          tool
              + ": argument '"
              + name
              + "' is '"
              + Names.printable(value)
              + "'; use one of "
              + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }
}
