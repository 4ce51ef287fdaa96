package dev.baton.app.sink.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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

  static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
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

  static final List<String> FIELDS =
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

  AuditLine(AuditLineParser.Fields f) {
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

  /** The mapper for values the encoder must parse before writing them compactly. */
  static ObjectMapper valueMapper() {
    return VALUE_MAPPER;
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
    return Json.exactNumbers(JsonMapper.builder(factory)).build();
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
   * the caller's to check. See {@link AuditLineParser}.
   */
  public static AuditLine parse(byte[] buf, int length) throws BadLineException {
    return AuditLineParser.parse(buf, length);
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
}
