package dev.baton.app.sink.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.baton.app.sink.audit.AuditLine.BadLineException;
import dev.baton.app.sink.audit.AuditLine.EventSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads audit lines ({@link AuditLine} owns the format): one streaming pass that checks the
 * envelope's fields strictly, keeps the event's bytes as they stand in the line with an {@link
 * EventSummary}, and checks the line's own hash.
 */
final class AuditLineParser {
  private AuditLineParser() {}

  /**
   * Reads one line (without its newline) and checks its own hash; the chain to the line before is
   * the caller's to check.
   */
  static AuditLine parse(byte[] buf, int length) throws BadLineException {
    Fields f;
    try (JsonParser p = AuditLine.mapper().getFactory().createParser(buf, 0, length)) {
      f = readFields(p, buf);
    } catch (JsonProcessingException e) {
      throw new BadLineException("not JSON: " + e.getOriginalMessage(), false);
    } catch (IOException e) {
      throw new BadLineException("not JSON: " + e.getMessage(), false);
    }
    int prefix = length - AuditLine.SUFFIX_LENGTH;
    if (prefix <= 0
        || !Arrays.equals(
            buf,
            prefix,
            prefix + AuditLine.HASH_FIELD.length,
            AuditLine.HASH_FIELD,
            0,
            AuditLine.HASH_FIELD.length)
        || buf[length - 2] != '"'
        || buf[length - 1] != '}') {
      throw new BadLineException("does not end with ,\"hash\":\"<64 hex>\"}", false);
    }
    String computed = AuditLine.sha256(buf, 0, prefix);
    if (!computed.equals(f.hash)) {
      throw new BadLineException(
          "the line's bytes hash to " + computed + ", not to its \"hash\"", true);
    }
    return new AuditLine(f);
  }

  /** The envelope's fields as read, before the hash is checked. */
  static final class Fields {
    int seen;
    int version = -1;
    int partition;
    long offset;
    long ts;
    String key;
    byte[] eventBytes;
    EventSummary summary;
    byte[] raw;
    String prev;
    String hash;
  }

  private static Fields readFields(JsonParser p, byte[] buf) throws IOException, BadLineException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new BadLineException("not a JSON object", false);
    }
    Fields f = new Fields();
    List<String> unexpected = null;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      int index = AuditLine.FIELDS.indexOf(name);
      if (index < 0) {
        if (unexpected == null) {
          unexpected = new ArrayList<>();
        }
        unexpected.add(name);
        p.skipChildren();
        continue;
      }
      if ((f.seen & (1 << index)) != 0) {
        throw new BadLineException("not JSON: duplicate field '" + name + "'", false);
      }
      f.seen |= 1 << index;
      switch (name) {
        case "v" -> {
          if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != NumberType.INT) {
            throw new BadLineException("no format version \"v\"", false);
          }
          f.version = p.getIntValue();
        }
        case "partition" -> {
          if (value != JsonToken.VALUE_NUMBER_INT
              || p.getNumberType() != NumberType.INT
              || p.getIntValue() < 0) {
            throw new BadLineException("\"partition\" must be a non-negative int", false);
          }
          f.partition = p.getIntValue();
        }
        case "offset" -> f.offset = longValue(p, value, name);
        case "ts" -> f.ts = longValue(p, value, name);
        case "key" -> {
          if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
            throw new BadLineException("\"key\" must be a string or null", false);
          }
          f.key = value == JsonToken.VALUE_NULL ? null : p.getText();
        }
        case "event" -> readEvent(p, value, buf, f);
        case "raw" -> {
          byte[] raw = null;
          if (value == JsonToken.VALUE_STRING) {
            try {
              raw = p.getBinaryValue();
            } catch (IOException e) {
              raw = null;
            }
          }
          if (raw == null) {
            throw new BadLineException("\"raw\" must be base64", false);
          }
          f.raw = raw;
        }
        case "prev" -> f.prev = hexValue(p, value, name);
        case "hash" -> f.hash = hexValue(p, value, name);
        default -> throw new IllegalStateException("unhandled field " + name);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new BadLineException("not a JSON object", false);
    }
    if ((f.seen & 1) == 0) {
      throw new BadLineException("no format version \"v\"", false);
    }
    if (f.version != AuditLine.VERSION) {
      throw new BadLineException("unsupported format version " + f.version, false);
    }
    for (String name : List.of("partition", "offset", "ts", "key")) {
      if ((f.seen & (1 << AuditLine.FIELDS.indexOf(name))) == 0) {
        throw new BadLineException(
            "key".equals(name) ? "\"key\" must be a string or null" : "\"" + name + "\" is missing",
            false);
      }
    }
    boolean hasEvent = (f.seen & (1 << AuditLine.FIELDS.indexOf("event"))) != 0;
    boolean hasRaw = (f.seen & (1 << AuditLine.FIELDS.indexOf("raw"))) != 0;
    if (hasEvent == hasRaw) {
      throw new BadLineException("exactly one of \"event\" and \"raw\" must be present", false);
    }
    if (f.prev == null || f.hash == null) {
      throw new BadLineException(
          "\"" + (f.prev == null ? "prev" : "hash") + "\" must be 64 lowercase hex digits", false);
    }
    if (unexpected != null) {
      throw new BadLineException("unexpected fields " + unexpected, false);
    }
    if (p.nextToken() != null) {
      throw new BadLineException("more than one JSON value on the line", false);
    }
    return f;
  }

  /** Keeps the event's bytes as they stand in the line (none for a JSON null) and its summary. */
  private static void readEvent(JsonParser p, JsonToken value, byte[] buf, Fields f)
      throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    if (value != JsonToken.START_OBJECT) {
      // An array or a scalar: rare (the topology writes objects), kept as it stands too.
      int from = (int) p.currentTokenLocation().getByteOffset();
      if (value == JsonToken.START_ARRAY) {
        p.skipChildren();
      } else {
        p.finishToken();
      }
      f.eventBytes = Arrays.copyOfRange(buf, from, (int) p.currentLocation().getByteOffset());
      return;
    }
    int from = (int) p.currentTokenLocation().getByteOffset();
    String type = null;
    String eventKey = null;
    String agent = null;
    Long version = null;
    boolean hasData = false;
    int dataFrom = -1;
    int dataTo = -1;
    long dataVersion = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "type" -> type = textOrSkip(p, t);
        case "key" -> eventKey = textOrSkip(p, t);
        case "agent" -> agent = textOrSkip(p, t);
        case "version" -> {
          version = isLong(p, t) ? p.getLongValue() : null;
          p.skipChildren();
        }
        case "data" -> {
          hasData = t != JsonToken.VALUE_NULL;
          dataFrom = -1;
          dataTo = -1;
          dataVersion = -1;
          if (t == JsonToken.START_OBJECT) {
            dataFrom = (int) p.currentTokenLocation().getByteOffset() - from;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              boolean isVersion = "version".equals(p.currentName());
              JsonToken v = p.nextToken();
              if (isVersion) {
                dataVersion = isLong(p, v) ? p.getLongValue() : -1;
              }
              p.skipChildren();
            }
            dataTo = (int) p.currentLocation().getByteOffset() - from;
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    f.eventBytes = Arrays.copyOfRange(buf, from, (int) p.currentLocation().getByteOffset());
    f.summary =
        new EventSummary(type, eventKey, agent, version, hasData, dataFrom, dataTo, dataVersion);
  }

  private static String textOrSkip(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static boolean isLong(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != NumberType.BIG_INTEGER;
  }

  private static long longValue(JsonParser p, JsonToken value, String name)
      throws IOException, BadLineException {
    if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == NumberType.BIG_INTEGER) {
      throw new BadLineException("\"" + name + "\" must be an integer", false);
    }
    return p.getLongValue();
  }

  private static String hexValue(JsonParser p, JsonToken value, String name)
      throws IOException, BadLineException {
    if (value != JsonToken.VALUE_STRING
        || p.getTextLength() != 64
        || !isHash(p.getTextCharacters(), p.getTextOffset())) {
      throw new BadLineException("\"" + name + "\" must be 64 lowercase hex digits", false);
    }
    return new String(p.getTextCharacters(), p.getTextOffset(), 64);
  }

  private static boolean isHash(char[] chars, int from) {
    for (int i = from; i < from + 64; i++) {
      char c = chars[i];
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
