package dev.baton.app.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.baton.app.sink.audit.AuditLine;
import dev.baton.app.sink.audit.Segment;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes an audit folder of sample events directly, in the line format {@link AuditLine} documents
 * (hash chain included), as the sink would have written it with closed segments of {@code
 * segmentLines} lines: generating a million lines through Kafka and the sink would only make the
 * {@code recover} scenario slower. Recovery checks every line, so a mistake here shows as damaged
 * lines, never as a silently wrong number.
 */
final class AuditFiles {
  // The line goes on after the generator is done with it: never let it close the object.
  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_CONTENT).build();
  private static final HexFormat HEX = HexFormat.of();

  private AuditFiles() {}

  /** What was written. */
  record Written(long lines, long bytes) {}

  static Written write(Path dir, long lines, int partitions, int keys, long segmentLines)
      throws IOException {
    EventSamples samples = new EventSamples(keys);
    Partition[] parts = new Partition[partitions];
    for (int p = 0; p < partitions; p++) {
      parts[p] = new Partition(dir.resolve(Integer.toString(p)), p, segmentLines);
    }
    long bytes = 0;
    try {
      for (long n = 0; n < lines; n++) {
        // A task's events all go to one partition, as Kafka's partitioner would put them.
        Partition part = parts[(int) ((n % keys) % partitions)];
        bytes += part.append(samples.key(n), 1_764_280_800_000L + n, samples.event(n));
      }
    } finally {
      for (Partition p : parts) {
        p.close();
      }
    }
    return new Written(lines, bytes);
  }

  /** One partition folder being written. */
  private static final class Partition {
    private final Path dir;
    private final int partition;
    private final long segmentLines;
    private final MessageDigest sha = sha256();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    private OutputStream out;
    private long offset;
    private long inSegment;
    private String prev = AuditLine.GENESIS;

    Partition(Path dir, int partition, long segmentLines) throws IOException {
      this.dir = Files.createDirectories(dir);
      this.partition = partition;
      this.segmentLines = segmentLines;
    }

    long append(String key, long timestamp, byte[] event) throws IOException {
      if (out == null || inSegment == segmentLines) {
        close();
        Path file = dir.resolve(Segment.fileName(offset, Segment.State.CLOSED));
        out = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024);
        inSegment = 0;
      }
      line.reset();
      try (JsonGenerator gen = JSON.createGenerator(line)) {
        gen.writeStartObject();
        gen.writeNumberField("v", AuditLine.VERSION);
        gen.writeNumberField("partition", partition);
        gen.writeNumberField("offset", offset);
        gen.writeNumberField("ts", timestamp);
        gen.writeStringField("key", key);
        gen.writeFieldName("event");
        gen.writeRawValue(new String(event, StandardCharsets.UTF_8));
        gen.writeStringField("prev", prev);
      }
      byte[] body = line.toByteArray();
      sha.reset();
      String hash = HEX.formatHex(sha.digest(body));
      out.write(body);
      byte[] suffix = (",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII);
      out.write(suffix);
      prev = hash;
      offset++;
      inSegment++;
      return body.length + suffix.length;
    }

    void close() throws IOException {
      if (out != null) {
        out.close();
        out = null;
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
