package dev.baton.app.sink.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * One line of an audit segment: one record of {@code baton.events}, chained by hash to the line
 * before it in the same partition. This class owns the line format.
 *
 * <h2>Line format, version 1</h2>
 *
 * <p>A line is one JSON object in UTF-8 on a single line, terminated by {@code \n}, with exactly
 * these fields in this order:
 *
 * <pre>
 * {"v":1,"partition":3,"offset":1042,"ts":1764280800012,"key":"default/task/login",
 *  "event":{...},"prev":"&lt;64 hex&gt;","hash":"&lt;64 hex&gt;"}
 * </pre>
 *
 * <ul>
 *   <li>{@code v}: the format version, 1.
 *   <li>{@code partition}, {@code offset}: where the record sits in the events topic.
 *   <li>{@code ts}: the record's timestamp, milliseconds since the epoch.
 *   <li>{@code key}: the record key as a string, or {@code null}.
 *   <li>{@code event}: the record value, a JSON document on one line (normally the event envelope,
 *       as the topology wrote it; {@code null} for a record without value). A value that is not
 *       JSON is kept as {@code "raw":"<base64>"} in place of {@code event}.
 *   <li>{@code prev}: the {@code hash} of the partition's previous line; for the first line of a
 *       segment, the last line of the previous segment; for the partition's very first line, 64
 *       zeros ({@link #GENESIS}), or the anchor retention left behind (see {@link
 *       RetentionAnchor}).
 *   <li>{@code hash}: lowercase hex SHA-256 of the line's bytes from the opening <code>{</code> up
 *       to, not including, the final <code>,"hash":</code>. A line therefore always ends with
 *       exactly <code>,"hash":"&lt;64 hex&gt;"}</code> ({@value #SUFFIX_LENGTH} bytes), and
 *       checking it needs no JSON canonicalisation: hash the bytes before that suffix.
 * </ul>
 *
 * <p>Within a partition offsets strictly increase from line to line and from segment to segment,
 * but are not contiguous: transaction markers and aborted records take offsets that no line
 * carries. Deleting, truncating, reordering or editing lines or segments breaks the chain and is
 * found by {@link PartitionScanner}.
 *
 * <h2>How lines are written and read</h2>
 *
 * <p>A record value that is one JSON value on one line in UTF-8 (what the topology writes) goes
 * into {@code event} byte for byte, after a streaming check; only other JSON is parsed and written
 * back compactly. Reading parses the envelope with a streaming parser and keeps the event's bytes;
 * the event becomes a tree only when {@link #event()} asks for it. Both directions check the whole
 * line: a line this class writes always reads back, and a line it reads is well-formed JSON
 * throughout.
 */
public final class AuditLine {
  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  /** The {@code prev} of a partition's first line. */
  public static final String GENESIS = "0".repeat(64);

  /** Longest line read; a longer one is reported as garbage. */
  public static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

  private static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
  static final int SUFFIX_LENGTH = HASH_FIELD.length + 64 + 2;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Duplicate keys are refused in the line's own fields (checked by hand); inside an event the last
   * one wins, as in most JSON readers: the sink copies events as they are, and tracking every key
   * of every nested object cost a seventh of recovery's time.
   */
  private static final ObjectMapper MAPPER = lineMapper(64);

  /**
   * Parses values the sink cannot copy as they are (before compacting them): one level shallower
   * than {@link #MAPPER}, since the event sits one level down in its line.
   */
  private static final ObjectMapper VALUE_MAPPER = lineMapper(JsonValues.MAX_DEPTH);

  private static final List<String> FIELDS =
      List.of("v", "partition", "offset", "ts", "key", "event", "raw", "prev", "hash");

  private final int partition;
  private final long offset;
  private final long timestamp;
  private final String key;
  private final byte[] eventBytes;
  private final EventSummary summary;
  private final byte[] raw;
  private final String prev;
  private final String hash;
  private JsonNode event;

  private AuditLine(Fields f) {
    this.partition = f.partition;
    this.offset = f.offset;
    this.timestamp = f.ts;
    this.key = f.key;
    this.eventBytes = f.eventBytes;
    this.summary = f.summary;
    this.raw = f.raw;
    this.prev = f.prev;
    this.hash = f.hash;
  }

  /**
   * What most readers need of a Baton event, read in the pass that checks the line: the event's
   * {@code type}, {@code key}, {@code agent} and {@code version} (null when absent or not of that
   * JSON type), and where its {@code data} object stands in {@link #eventBytes()} with that
   * object's own {@code version}.
   *
   * @param hasData whether {@code data} is present and not null
   * @param dataFrom start of the {@code data} object in the event bytes, -1 when it is not an
   *     object
   * @param dataTo end (exclusive) of the {@code data} object, -1 when it is not an object
   * @param dataVersion {@code data.version} when it is an integer, else -1
   */
  public record EventSummary(
      String type,
      String key,
      String agent,
      Long version,
      boolean hasData,
      int dataFrom,
      int dataTo,
      long dataVersion) {

    /** A copy of the {@code data} object's bytes, or null when it is not an object. */
    public byte[] data(byte[] eventBytes) {
      return dataFrom < 0 ? null : Arrays.copyOfRange(eventBytes, dataFrom, dataTo);
    }
  }

  /** The mapper for audit lines: the protocol's limits, with room for a whole line. */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  private static ObjectMapper lineMapper(int maxDepth) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_LINE_BYTES)
                    .maxNestingDepth(maxDepth)
                    .maxStringLength(MAX_LINE_BYTES)
                    .maxNameLength(MAX_LINE_BYTES)
                    .maxNumberLength(64)
                    .build())
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();
    return JsonMapper.builder(factory).build();
  }

  /** The record's partition. */
  public int partition() {
    return partition;
  }

  /** The record's offset. */
  public long offset() {
    return offset;
  }

  /** The record's timestamp (ms since the epoch). */
  public long timestamp() {
    return timestamp;
  }

  /** The record key, or null. */
  public String key() {
    return key;
  }

  /**
   * The record value as JSON, or null (no value, or {@code raw}); parsed on first use from {@link
   * #eventBytes()}.
   */
  public JsonNode event() {
    if (event == null && eventBytes != null) {
      try {
        event = MAPPER.readTree(eventBytes);
      } catch (IOException e) {
        // parse() checked these bytes already.
        throw new IllegalStateException("an audit event that parsed once no longer parses", e);
      }
    }
    return event;
  }

  /**
   * The bytes of {@code event} as they stand in the line (compact JSON, one line), or null when the
   * event is null or the value is {@code raw}. Not a copy: do not change.
   */
  public byte[] eventBytes() {
    return eventBytes;
  }

  /** The event's summary, or null when the event is not a JSON object (or there is none). */
  public EventSummary summary() {
    return summary;
  }

  /** The record value when it is not JSON, else null. */
  public byte[] raw() {
    return raw;
  }

  /** The previous line's hash. */
  public String prev() {
    return prev;
  }

  /** This line's hash. */
  public String hash() {
    return hash;
  }

  /** Whether the value was JSON (possibly null) rather than raw bytes. */
  public boolean hasJsonEvent() {
    return raw == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditLine other
        && partition == other.partition
        && offset == other.offset
        && hash.equals(other.hash);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "AuditLine[" + partition + "@" + offset + " " + hash.substring(0, 12) + "]";
  }

  /** Why a line cannot be read. */
  public static final class BadLineException extends Exception {
    private final boolean hashMismatch;

    BadLineException(String message, boolean hashMismatch) {
      super(message);
      this.hashMismatch = hashMismatch;
    }

    /** Whether the line is well-formed but its bytes do not hash to its {@code hash}. */
    public boolean hashMismatch() {
      return hashMismatch;
    }
  }

  /**
   * Reads one line (without its newline) and checks its own hash; the chain to the line before is
   * the caller's to check.
   */
  public static AuditLine parse(byte[] buf, int length) throws BadLineException {
    Fields f;
    try (JsonParser p = MAPPER.getFactory().createParser(buf, 0, length)) {
      f = readFields(p, buf);
    } catch (JsonProcessingException e) {
      throw new BadLineException("not JSON: " + e.getOriginalMessage(), false);
    } catch (IOException e) {
      throw new BadLineException("not JSON: " + e.getMessage(), false);
    }
    int prefix = length - SUFFIX_LENGTH;
    if (prefix <= 0
        || !Arrays.equals(buf, prefix, prefix + HASH_FIELD.length, HASH_FIELD, 0, HASH_FIELD.length)
        || buf[length - 2] != '"'
        || buf[length - 1] != '}') {
      throw new BadLineException("does not end with ,\"hash\":\"<64 hex>\"}", false);
    }
    String computed = sha256(buf, 0, prefix);
    if (!computed.equals(f.hash)) {
      throw new BadLineException(
          "the line's bytes hash to " + computed + ", not to its \"hash\"", true);
    }
    return new AuditLine(f);
  }

  /** The envelope's fields as read, before the hash is checked. */
  private static final class Fields {
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
      int index = FIELDS.indexOf(name);
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
    if (f.version != VERSION) {
      throw new BadLineException("unsupported format version " + f.version, false);
    }
    for (String name : List.of("partition", "offset", "ts", "key")) {
      if ((f.seen & (1 << FIELDS.indexOf(name))) == 0) {
        throw new BadLineException(
            "key".equals(name) ? "\"key\" must be a string or null" : "\"" + name + "\" is missing",
            false);
      }
    }
    boolean hasEvent = (f.seen & (1 << FIELDS.indexOf("event"))) != 0;
    boolean hasRaw = (f.seen & (1 << FIELDS.indexOf("raw"))) != 0;
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

  static String sha256(byte[] buf, int from, int length) {
    MessageDigest digest = DIGEST.get();
    digest.reset();
    digest.update(buf, from, length);
    return HEX.formatHex(digest.digest());
  }

  private static final ThreadLocal<MessageDigest> DIGEST =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JVM has no SHA-256", e);
            }
          });

  /** Writes lines in the format above; one instance per writer thread. */
  static final class Encoder {
    private static final byte[] V = "{\"v\":1,\"partition\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OFFSET = ",\"offset\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TS = ",\"ts\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY = ",\"key\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = ",\"event\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RAW = ",\"raw\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV = ",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final Buffer out = new Buffer();

    /** The bytes of one line including its newline, and its hash. */
    record Encoded(byte[] buf, int length, String hash) {}

    /**
     * Encodes a record. The returned buffer is reused by the next call.
     *
     * @param value the record value: written as {@code event} when it is JSON (byte for byte when
     *     {@link JsonValues#isOneLine} says it can be), else as {@code raw}
     */
    Encoded encode(
        int partition, long offset, long timestamp, String key, byte[] value, String prev) {
      byte[] event = null;
      byte[] raw = null;
      if (value != null) {
        if (JsonValues.isOneLine(value)) {
          event = value;
        } else {
          event = compactOrNull(value);
          raw = event == null ? value : null;
        }
      }
      return encode(partition, offset, timestamp, key, event, raw, prev, true);
    }

    /** Other JSON (several lines, another encoding) written compactly; null when not JSON. */
    private static byte[] compactOrNull(byte[] value) {
      try (JsonParser p = VALUE_MAPPER.getFactory().createParser(value)) {
        JsonNode tree = VALUE_MAPPER.readTree(p);
        if (tree == null || tree.isMissingNode() || p.nextToken() != null) {
          return null;
        }
        return tree.isNull() ? NULL : MAPPER.writeValueAsBytes(tree);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private Encoded encode(
        int partition,
        long offset,
        long timestamp,
        String key,
        byte[] event,
        byte[] raw,
        String prev,
        boolean newline) {
      out.reset();
      out.write(V);
      out.writeDecimal(partition);
      out.write(OFFSET);
      out.writeDecimal(offset);
      out.write(TS);
      out.writeDecimal(timestamp);
      out.write(KEY);
      if (key == null) {
        out.write(NULL);
      } else {
        out.write('"');
        out.write(JsonStringEncoder.getInstance().quoteAsUTF8(key));
        out.write('"');
      }
      if (raw != null) {
        out.write(RAW);
        out.write(Base64.getEncoder().encode(raw));
        out.write('"');
      } else {
        out.write(EVENT);
        out.write(event == null ? NULL : event);
      }
      out.write(PREV);
      out.write(prev.getBytes(StandardCharsets.US_ASCII));
      out.write('"');
      int prefix = out.size();
      String hash = sha256(out.bytes(), 0, prefix);
      out.write(HASH_FIELD);
      out.write(hash.getBytes(StandardCharsets.US_ASCII));
      out.write('"');
      out.write('}');
      if (newline) {
        out.write('\n');
      }
      return new Encoded(out.bytes(), out.size(), hash);
    }

    /**
     * A line as it would be written (without newline) for an event given as a tree: tests build
     * forged or expected lines with it.
     */
    static byte[] encode(
        int partition,
        long offset,
        long timestamp,
        String key,
        JsonNode event,
        byte[] raw,
        String prev)
        throws IOException {
      byte[] eventBytes =
          raw != null || event == null || event.isNull() ? null : MAPPER.writeValueAsBytes(event);
      Encoded e =
          new Encoder().encode(partition, offset, timestamp, key, eventBytes, raw, prev, false);
      return Arrays.copyOf(e.buf(), e.length());
    }
  }

  /** A byte buffer that exposes its array, to hash and write without copying. */
  static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(1024);
    }

    byte[] bytes() {
      return buf;
    }

    /** Writes {@code v} in decimal ASCII without allocating. */
    void writeDecimal(long v) {
      if (v < 0) {
        if (v == Long.MIN_VALUE) {
          write(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
          return;
        }
        write('-');
        v = -v;
      }
      int digits = 1;
      for (long p = 10; p <= v && digits < 19; p *= 10) {
        digits++;
      }
      ensureCapacity(count + digits);
      for (int k = count + digits - 1; k >= count; k--) {
        buf[k] = (byte) ('0' + v % 10);
        v /= 10;
      }
      count += digits;
    }

    private void ensureCapacity(int min) {
      if (min > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(min, buf.length * 2));
      }
    }

    @Override
    public void write(byte[] b) {
      write(b, 0, b.length);
    }
  }
}
