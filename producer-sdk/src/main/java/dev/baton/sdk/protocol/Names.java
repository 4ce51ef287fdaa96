package dev.baton.sdk.protocol;

/**
 * Rules for the names clients choose: ids (task ids, workspaces, agents, command ids) and lock
 * resources. Every check throws {@link InvalidCommandException} naming the field and the value.
 *
 * <p>An id is 1 to {@value #MAX_ID_LENGTH} characters of letters, digits, {@code . _ - : @} and
 * must not be {@code .} or {@code ..}; it can never contain {@code /}, since ids are joined into
 * aggregate keys with {@code /}. A resource (a file path, a branch, a literal glob) is 1 to {@value
 * #MAX_RESOURCE_LENGTH} printable characters without {@code ..} path segments, empty segments or a
 * leading {@code /}.
 */
public final class Names {
  /** Longest id, in characters. */
  public static final int MAX_ID_LENGTH = 256;

  /** Longest resource, in characters. */
  public static final int MAX_RESOURCE_LENGTH = 1024;

  private Names() {}

  /**
   * Checks an id (agent, workspace, task, ...).
   *
   * @param field the field's name, for the error
   * @param value the id
   * @return {@code value}
   * @throws InvalidCommandException naming the field, the value and the rule broken
   */
  public static String checkId(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidCommandException(field + " must not be empty");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new InvalidCommandException(
          field + " is " + value.length() + " characters long, the limit is " + MAX_ID_LENGTH);
    }
    if (value.equals(".") || value.equals("..")) {
      throw new InvalidCommandException(field + " '" + value + "' is not a valid id");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == ':'
              || c == '@';
      if (!ok) {
        throw new InvalidCommandException(
            field
                + " '"
                + printable(value)
                + "' contains "
                + describe(c)
                + " at index "
                + i
                + "; allowed are letters, digits and . _ - : @");
      }
    }
    return value;
  }

  /**
   * Checks a lock resource.
   *
   * @param field the field's name, for the error
   * @param value the resource
   * @return {@code value}
   * @throws InvalidCommandException naming the field, the value and the rule broken
   */
  public static String checkResource(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidCommandException(field + " must not be empty");
    }
    if (value.length() > MAX_RESOURCE_LENGTH) {
      throw new InvalidCommandException(
          field
              + " is "
              + value.length()
              + " characters long, the limit is "
              + MAX_RESOURCE_LENGTH);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c) && c != ' ' || invisible(c)) {
        throw new InvalidCommandException(
            field + " '" + printable(value) + "' contains " + describe(c) + " at index " + i);
      }
    }
    if (value.startsWith("/")) {
      throw new InvalidCommandException(
          field + " '" + value + "' must be relative (no leading '/')");
    }
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty() || segment.equals("..") || segment.equals(".")) {
        throw new InvalidCommandException(
            field + " '" + value + "' has an empty, '.' or '..' path segment");
      }
    }
    return value;
  }

  /**
   * Characters that render as nothing or as something else (bidi overrides, zero-width spaces,
   * byte-order marks), private-use, unassigned and surrogate code units: two resources that look
   * the same must be the same.
   */
  private static boolean invisible(char c) {
    int type = Character.getType(c);
    return type == Character.FORMAT
        || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED
        || type == Character.SURROGATE;
  }

  private static String describe(char c) {
    return Character.isISOControl(c) || Character.isWhitespace(c) || invisible(c)
        ? String.format("control or space character U+%04X", (int) c)
        : "'" + c + "'";
  }

  /**
   * The value with control characters escaped and cut to 80 characters, safe to echo back.
   *
   * @param value any text
   * @return the safe form
   */
  public static String printable(String value) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < value.length() && out.length() < 80; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || invisible(c) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return i < value.length() ? out + "..." : out.toString();
  }
}
