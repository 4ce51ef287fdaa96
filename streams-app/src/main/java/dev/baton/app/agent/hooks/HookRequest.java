package dev.baton.app.agent.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields a hook reads from a client's JSON, read leniently about fields it does not use (the
 * clients send many and add more) and strictly about the ones it does: a wrong type is a {@link
 * HookRejection} naming the field.
 */
final class HookRequest {
  private final JsonNode body;

  HookRequest(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new HookRejection("the hook body must be a JSON object");
    }
    this.body = body;
  }

  /** A string field; null when absent or JSON null. */
  String string(String field) {
    return string(body, field, field);
  }

  String required(String field) {
    String value = string(field);
    if (value == null) {
      throw new HookRejection("field '" + field + "' is required");
    }
    return value;
  }

  JsonNode object(String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new HookRejection("field '" + field + "' must be an object");
    }
    return v;
  }

  /** A list of strings; null when absent. */
  List<String> strings(String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw new HookRejection("field '" + field + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new HookRejection("field '" + field + "' must be an array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  static String string(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new HookRejection("field '" + where + "' must be a string");
    }
    return v.asText();
  }
}
