package dev.baton.app.sink.audit;

/**
 * A one-pass check that bytes can stand verbatim as a JSON value inside an audit line, without a
 * parser or a tree: the audit sink's hot path.
 *
 * <p>The check is <em>sufficient</em>, not exact: whatever it accepts, the audit line reader
 * accepts too (that is what the tests hold it to, against Jackson, over JSONTestSuite and random
 * damage), so it is stricter than JSON where that keeps it simple (limits on depth and number
 * length below Jackson's, no unpaired escaped UTF-16 surrogates). What it refuses goes the slow
 * way: parsed, and written back compactly when it is JSON after all.
 */
final class JsonValues {
  /** Deepest nesting accepted; the line reader allows 64 (the line itself adds one). */
  static final int MAX_DEPTH = 60;

  /** Longest number accepted, in bytes; the line reader allows 64 digits. */
  static final int MAX_NUMBER_BYTES = 60;

  private final byte[] b;
  private final int end;
  private int i;

  private JsonValues(byte[] b) {
    this.b = b;
    this.end = b.length;
  }

  /**
   * Whether {@code value} is exactly one JSON value in well-formed UTF-8 (no overlong forms, no
   * surrogates, nothing above U+10FFFF), without a line break or a byte order mark, and within the
   * limits above: bytes that can be copied into a line of UTF-8 JSON as they are.
   */
  static boolean isOneLine(byte[] value) {
    JsonValues v = new JsonValues(value);
    try {
      v.skipSpace();
      if (!v.value(0)) {
        return false;
      }
      v.skipSpace();
      return v.i == v.end;
    } catch (ArrayIndexOutOfBoundsException e) {
      return false; // ran off the end: truncated
    }
  }

  private boolean value(int depth) {
    if (i >= end) {
      return false;
    }
    switch (b[i]) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  private boolean object(int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    i++; // {
    skipSpace();
    if (b[i] == '}') {
      i++;
      return true;
    }
    while (true) {
      if (b[i] != '"' || !string()) {
        return false;
      }
      skipSpace();
      if (b[i] != ':') {
        return false;
      }
      i++;
      skipSpace();
      if (!value(depth)) {
        return false;
      }
      skipSpace();
      byte c = b[i++];
      if (c == '}') {
        return true;
      }
      if (c != ',') {
        return false;
      }
      skipSpace();
    }
  }

  private boolean array(int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    i++; // [
    skipSpace();
    if (b[i] == ']') {
      i++;
      return true;
    }
    while (true) {
      if (!value(depth)) {
        return false;
      }
      skipSpace();
      byte c = b[i++];
      if (c == ']') {
        return true;
      }
      if (c != ',') {
        return false;
      }
      skipSpace();
    }
  }

  /** A string from its opening quote; checks escapes and UTF-8. */
  private boolean string() {
    i++; // "
    while (true) {
      int c = b[i] & 0xFF;
      if (c == '"') {
        i++;
        return true;
      }
      if (c == '\\') {
        if (!escape()) {
          return false;
        }
      } else if (c < 0x20) {
        return false; // control characters must be escaped
      } else if (c < 0x80) {
        i++;
      } else if (!utf8(c)) {
        return false;
      }
    }
  }

  private boolean escape() {
    byte e = b[i + 1];
    switch (e) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        i += 2;
        return true;
      }
      case 'u' -> {
        int code = unicodeEscape(i);
        i += 6;
        if (code < 0xD800 || code > 0xDFFF) {
          return code >= 0;
        }
        if (code > 0xDBFF || b[i] != '\\' || b[i + 1] != 'u') {
          return false; // a lone surrogate: left to the slow path
        }
        int low = unicodeEscape(i);
        i += 6;
        return low >= 0xDC00 && low <= 0xDFFF;
      }
      default -> {
        return false;
      }
    }
  }

  /** The code unit of the {@code \\uXXXX} escape at {@code at}, or -1. */
  private int unicodeEscape(int at) {
    int code = 0;
    for (int k = 2; k < 6; k++) {
      int h = hex(b[at + k]);
      if (h < 0) {
        return -1;
      }
      code = code << 4 | h;
    }
    return code;
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** One multi-byte UTF-8 sequence starting with {@code c} at {@code i}. */
  private boolean utf8(int c) {
    if (c >= 0xC2 && c <= 0xDF) {
      if (!continuation(b[i + 1])) {
        return false;
      }
      i += 2;
      return true;
    }
    if (c >= 0xE0 && c <= 0xEF) {
      int c1 = b[i + 1] & 0xFF;
      if (!continuation(b[i + 1]) || !continuation(b[i + 2])) {
        return false;
      }
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) {
        return false; // overlong, or a UTF-16 surrogate
      }
      i += 3;
      return true;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      int c1 = b[i + 1] & 0xFF;
      if (!continuation(b[i + 1]) || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
        return false;
      }
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
        return false; // overlong, or above U+10FFFF
      }
      i += 4;
      return true;
    }
    return false;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  private boolean literal(String word) {
    int n = word.length();
    if (i + n > end) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        return false;
      }
    }
    i += n;
    return i == end || delimiter(b[i]);
  }

  /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
  private boolean number() {
    int start = i;
    if (i < end && b[i] == '-') {
      i++;
    }
    if (i < end && b[i] == '0') {
      i++;
    } else if (!digits()) {
      return false;
    }
    if (i < end && b[i] == '.') {
      i++;
      if (!digits()) {
        return false;
      }
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      if (!digits()) {
        return false;
      }
    }
    return i - start <= MAX_NUMBER_BYTES && (i == end || delimiter(b[i]));
  }

  private boolean digits() {
    int start = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i > start;
  }

  private static boolean delimiter(byte c) {
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t';
  }

  /** Spaces and tabs only: a line break would end the audit line. */
  private void skipSpace() {
    while (i < end && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
  }
}
