package dev.baton.app.sink.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Writes audit lines in the format {@link AuditLine} documents; one instance per writer thread. */
final class AuditLineEncoder {
  private static final byte[] V = "{\"v\":1,\"partition\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OFFSET = ",\"offset\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TS = ",\"ts\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY = ",\"key\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = ",\"event\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RAW = ",\"raw\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREV = ",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private final LineBuffer out = new LineBuffer();

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
    try (JsonParser p = AuditLine.valueMapper().getFactory().createParser(value)) {
      JsonNode tree = AuditLine.valueMapper().readTree(p);
      if (tree == null || tree.isMissingNode() || p.nextToken() != null) {
        return null;
      }
      return tree.isNull() ? NULL : AuditLine.mapper().writeValueAsBytes(tree);
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
    String hash = AuditLine.sha256(out.bytes(), 0, prefix);
    out.write(AuditLine.HASH_FIELD);
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
        raw != null || event == null || event.isNull()
            ? null
            : AuditLine.mapper().writeValueAsBytes(event);
    Encoded e =
        new AuditLineEncoder()
            .encode(partition, offset, timestamp, key, eventBytes, raw, prev, false);
    return Arrays.copyOf(e.buf(), e.length());
  }
}
