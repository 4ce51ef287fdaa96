package dev.baton.sdk.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * The characters text in a command may hold, checked over the whole body (every string value and
 * every field name, {@code fields} and payloads included) wherever a command enters: the SDK, the
 * HTTP gateway (through the SDK) and the topology reading the raw topic all call {@link #check}
 * from {@link CommandCodec#parse}, so the three doors refuse the same commands with the same {@code
 * INVALID} message.
 *
 * <p>The rules for text: no U+0000 (NUL), and no unpaired surrogate (a {@code \ud800} escape
 * without its low half, or a low half alone). Every export stores what the topology accepts, and
 * PostgreSQL's {@code text} cannot hold NUL at all (the projection would stall on it for good); an
 * unpaired surrogate is not a character, cannot be written as UTF-8, and would be served as {@code
 * ?} while the log keeps the escape, so every copy would differ from the log. Every other
 * character, control characters (tab, line breaks, U+0001..U+001F, U+007F, C1) and U+2028/U+2029
 * included, is accepted and stored as sent.
 *
 * <p>The rule for numbers: kept exactly as sent ({@link Json}), so a number must be one every store
 * can keep exactly: written out in plain decimal notation it has at most {@value
 * #MAX_INTEGER_DIGITS} digits before the decimal point and at most {@value #MAX_FRACTION_DIGITS}
 * after it ({@code 1e400} and {@code 1e-400} are fine, {@code 1e1000} and {@code 1e-1001} are not);
 * the parser's own limit of {@value Json#MAX_NUMBER_LENGTH} characters per number applies first.
 */
public final class StorableText {
  /** Most digits a number may have before the decimal point, written out in plain notation. */
  public static final int MAX_INTEGER_DIGITS = 1000;

  /** Most digits a number may have after the decimal point, written out in plain notation. */
  public static final int MAX_FRACTION_DIGITS = 1000;

  private StorableText() {}

  /**
   * Refuses {@code node} (found at {@code path}, e.g. {@code body}) when any string in it holds a
   * character no store can keep.
   *
   * @param path where the node is, e.g. {@code body}
   * @param node the JSON to check; null passes
   * @throws InvalidCommandException naming the path of the string, the character and its index
   */
  public static void check(String path, JsonNode node) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      checkString(path, node.textValue());
    } else if (node.isNumber()) {
      if (node.isFloatingPointNumber()
          && !node.isBigDecimal()
          && !Double.isFinite(node.doubleValue())) {
        throw new InvalidCommandException(path + " is not a finite number: " + node.doubleValue());
      }
      checkNumber(path, node.decimalValue());
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

  /**
   * Refuses a single string value at {@code path}.
   *
   * @param path where the string is
   * @param value the string; null passes
   */
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
    int lone = unpairedSurrogate(value);
    if (lone >= 0) {
      throw new InvalidCommandException(
          String.format(
              "%s contains an unpaired surrogate U+%04X at index %d; text must be valid Unicode"
                  + " (a surrogate escape needs its other half)",
              path, (int) value.charAt(lone), lone));
    }
  }

  /** The index of the first surrogate without its other half, or -1. */
  static int unpairedSurrogate(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Refuses a number at {@code path} that no store could keep exactly (see the class comment).
   *
   * @param path where the number is
   * @param value the number
   */
  public static void checkNumber(String path, BigDecimal value) {
    int integerDigits = value.precision() - value.scale();
    if (integerDigits > MAX_INTEGER_DIGITS) {
      throw new InvalidCommandException(
          path
              + " is out of range: "
              + value
              + " has "
              + integerDigits
              + " digits before the decimal point, the limit is "
              + MAX_INTEGER_DIGITS);
    }
    if (value.scale() > MAX_FRACTION_DIGITS) {
      throw new InvalidCommandException(
          path
              + " is out of range: "
              + value
              + " has "
              + value.scale()
              + " digits after the decimal point, the limit is "
              + MAX_FRACTION_DIGITS);
    }
  }
}
