package dev.baton.sdk.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The characters text in a command may hold, checked over the whole body (every string value and
 * every field name, {@code fields} and payloads included) wherever a command enters: the SDK, the
 * HTTP gateway (through the SDK) and the topology reading the raw topic all call {@link #check}
 * from {@link CommandCodec#parse}, so the three doors refuse the same commands with the same {@code
 * INVALID} message.
 *
 * <p>The rule: no U+0000 (NUL). Every export stores what the topology accepts, and PostgreSQL's
 * {@code text} cannot hold NUL at all (the projection would stall on it for good); no other store
 * needs it and no agent has a use for it. Every other character, control characters (tab, line
 * breaks, U+0001..U+001F, U+007F, C1) and U+2028/U+2029 included, is accepted and stored as sent.
 * Further character rules on stored text (e.g. unpaired surrogates) belong here too.
 */
public final class StorableText {
  private StorableText() {}

  /**
   * Refuses {@code node} (found at {@code path}, e.g. {@code body}) when any string in it holds a
   * character no store can keep.
   *
   * @throws InvalidCommandException naming the path of the string, the character and its index
   */
  public static void check(String path, JsonNode node) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      checkString(path, node.textValue());
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(path + "[" + i + "]", node.get(i));
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        checkString("a field name in " + path, e.getKey());
        check(path + "." + e.getKey(), e.getValue());
      }
    }
  }

  /** Refuses a single string value at {@code path}. */
  public static void checkString(String path, String value) {
    if (value == null) {
      return;
    }
    int at = value.indexOf('\u0000');
    if (at >= 0) {
      throw new InvalidCommandException(
          path
              + " contains U+0000 (NUL) at index "
              + at
              + "; text may hold any character but NUL, which the exports cannot store");
    }
  }
}
