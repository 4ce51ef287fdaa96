package dev.baton.app.sink.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

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
 *   <li>{@code event}: the record value, a JSON document written compactly (normally the event
 *       envelope; {@code null} for a record without value). A value that is not JSON is kept as
 *       {@code "raw":"<base64>"} in place of {@code event}.
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
 * @param partition the record's partition
 * @param offset the record's offset
 * @param timestamp the record's timestamp (ms since the epoch)
 * @param key the record key, or null
 * @param event the record value as JSON, or null (no value, or {@code raw})
 * @param raw the record value when it is not JSON, else null
 * @param prev the previous line's hash
 * @param hash this line's hash
 */
public record AuditLine(
    int partition,
    long offset,
    long timestamp,
    String key,
    JsonNode event,
    byte[] raw,
    String prev,
    String hash) {

  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  /** The {@code prev} of a partition's first line. */
  public static final String GENESIS = "0".repeat(64);

  /** Longest line read; a longer one is reported as garbage. */
  public static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

  private static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
  static final int SUFFIX_LENGTH = HASH_FIELD.length + 64 + 2;
  private static final HexFormat HEX = HexFormat.of();

  private static final ObjectMapper MAPPER = lineMapper();

  /** The mapper for audit lines: the protocol's strictness, with room for a whole line. */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  private static ObjectMapper lineMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_LINE_BYTES)
                    .maxNestingDepth(64)
                    .maxStringLength(MAX_LINE_BYTES)
                    .maxNumberLength(64)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();
    return JsonMapper.builder(factory).build();
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
    JsonNode node;
    try {
      node = MAPPER.readTree(buf, 0, length);
    } catch (JsonProcessingException e) {
      throw new BadLineException("not JSON: " + e.getOriginalMessage(), false);
    } catch (IOException e) {
      throw new BadLineException("not JSON: " + e.getMessage(), false);
    }
    if (node == null || !node.isObject()) {
      throw new BadLineException("not a JSON object", false);
    }
    JsonNode v = node.get("v");
    if (v == null || !v.isInt()) {
      throw new BadLineException("no format version \"v\"", false);
    }
    if (v.intValue() != VERSION) {
      throw new BadLineException("unsupported format version " + v.intValue(), false);
    }
    int partition = intField(node, "partition");
    long offset = longField(node, "offset");
    long ts = longField(node, "ts");
    JsonNode keyNode = node.get("key");
    if (keyNode == null || !(keyNode.isTextual() || keyNode.isNull())) {
      throw new BadLineException("\"key\" must be a string or null", false);
    }
    JsonNode event = node.get("event");
    JsonNode rawNode = node.get("raw");
    if ((event == null) == (rawNode == null)) {
      throw new BadLineException("exactly one of \"event\" and \"raw\" must be present", false);
    }
    byte[] raw = null;
    if (rawNode != null) {
      try {
        raw = rawNode.binaryValue();
      } catch (IOException e) {
        raw = null;
      }
      if (raw == null) {
        throw new BadLineException("\"raw\" must be base64", false);
      }
    }
    String prev = hexField(node, "prev");
    String hash = hexField(node, "hash");
    if (node.size() != 8) {
      throw new BadLineException("unexpected fields " + fieldNames(node), false);
    }
    int prefix = length - SUFFIX_LENGTH;
    if (prefix <= 0
        || !Arrays.equals(buf, prefix, prefix + HASH_FIELD.length, HASH_FIELD, 0, HASH_FIELD.length)
        || buf[length - 2] != '"'
        || buf[length - 1] != '}') {
      throw new BadLineException("does not end with ,\"hash\":\"<64 hex>\"}", false);
    }
    String computed = sha256(buf, 0, prefix);
    if (!computed.equals(hash)) {
      throw new BadLineException(
          "the line's bytes hash to " + computed + ", not to its \"hash\"", true);
    }
    String key = keyNode.isNull() ? null : keyNode.textValue();
    JsonNode ev = event == null || event.isNull() ? null : event;
    return new AuditLine(partition, offset, ts, key, ev, raw, prev, hash);
  }

  private static String fieldNames(JsonNode node) {
    StringBuilder names = new StringBuilder();
    node.fieldNames().forEachRemaining(n -> names.append(names.length() == 0 ? "" : ",").append(n));
    return "[" + names + "]";
  }

  private static int intField(JsonNode node, String name) throws BadLineException {
    JsonNode f = node.get(name);
    if (f == null || !f.isInt() || f.intValue() < 0) {
      throw new BadLineException("\"" + name + "\" must be a non-negative int", false);
    }
    return f.intValue();
  }

  private static long longField(JsonNode node, String name) throws BadLineException {
    JsonNode f = node.get(name);
    if (f == null || !f.canConvertToLong() || !f.isIntegralNumber()) {
      throw new BadLineException("\"" + name + "\" must be an integer", false);
    }
    return f.longValue();
  }

  private static String hexField(JsonNode node, String name) throws BadLineException {
    JsonNode f = node.get(name);
    if (f == null || !f.isTextual() || !isHash(f.textValue())) {
      throw new BadLineException("\"" + name + "\" must be 64 lowercase hex digits", false);
    }
    return f.textValue();
  }

  private static boolean isHash(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
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
    private final Buffer out = new Buffer();

    /** The bytes of one line including its newline, and its hash. */
    record Encoded(byte[] buf, int length, String hash) {}

    /**
     * Encodes a record. The returned buffer is reused by the next call.
     *
     * @param value the record value: written as {@code event} when it is JSON, else as {@code raw}
     */
    Encoded encode(
        int partition, long offset, long timestamp, String key, byte[] value, String prev) {
      JsonNode event = null;
      boolean json = value == null;
      if (value != null) {
        try {
          event = dev.baton.sdk.protocol.Json.mapper().readTree(value);
          json = event != null && !event.isMissingNode();
        } catch (IOException | RuntimeException e) {
          json = false;
        }
      }
      try {
        return encode(
            partition,
            offset,
            timestamp,
            key,
            json ? event : null,
            json ? null : value,
            prev,
            true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode an audit line", e);
      }
    }

    Encoded encode(
        int partition,
        long offset,
        long timestamp,
        String key,
        JsonNode event,
        byte[] raw,
        String prev,
        boolean newline)
        throws IOException {
      out.reset();
      JsonGenerator gen = MAPPER.getFactory().createGenerator(out);
      gen.writeStartObject();
      gen.writeNumberField("v", VERSION);
      gen.writeNumberField("partition", partition);
      gen.writeNumberField("offset", offset);
      gen.writeNumberField("ts", timestamp);
      gen.writeStringField("key", key);
      if (raw != null) {
        gen.writeBinaryField("raw", raw);
      } else {
        gen.writeFieldName("event");
        if (event == null) {
          gen.writeNull();
        } else {
          MAPPER.writeTree(gen, event);
        }
      }
      gen.writeStringField("prev", prev);
      gen.flush();
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

    static byte[] encode(AuditLine line) throws IOException {
      Encoded e =
          new Encoder()
              .encode(
                  line.partition,
                  line.offset,
                  line.timestamp,
                  line.key,
                  line.event,
                  line.raw,
                  line.prev,
                  false);
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

    @Override
    public void write(byte[] b) {
      write(b, 0, b.length);
    }
  }
}
