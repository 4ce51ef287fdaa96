package dev.baton.app.sink.projection.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The data file of a checkpoint: one zstd frame of JSON lines, one row each (format in {@link
 * CheckpointManifest}), written durably with its size and SHA-256, and read back row by row.
 */
final class CheckpointData {
  private static final int ZSTD_LEVEL = 3;

  private CheckpointData() {}

  /** What {@link #write} wrote: rows per kind, the file's size and its SHA-256. */
  record Written(Map<RowKind, Long> counts, long bytes, String sha256) {}

  /**
   * Writes the rows {@code reader} sees (all, or those changed at or after {@code since}) to {@code
   * file}, durably.
   */
  static Written write(ProjectionReader reader, Map<Integer, Long> since, Path file, FileIo io)
      throws IOException {
    Map<RowKind, Long> counts = new EnumMap<>(RowKind.class);
    MessageDigest sha = sha256();
    long[] size = new long[1];
    DurableFiles.write(io, file, out -> writeRows(reader, since, counts, sha, size, out));
    return new Written(counts, size[0], HexFormat.of().formatHex(sha.digest()));
  }

  private static void writeRows(
      ProjectionReader reader,
      Map<Integer, Long> since,
      Map<RowKind, Long> counts,
      MessageDigest sha,
      long[] size,
      OutputStream file)
      throws IOException {
    CountingStream counting = new CountingStream(new DigestOutputStream(file, sha));
    try (ZstdOutputStream zstd = new ZstdOutputStream(counting, ZSTD_LEVEL)) {
      ObjectMapper mapper = Json.mapper();
      for (RowKind kind : RowKind.values()) {
        ProjectionReader.RowVisitor write =
            row -> {
              zstd.write(mapper.writeValueAsBytes(toLine(row)));
              zstd.write('\n');
              counts.merge(kind, 1L, Long::sum);
            };
        try {
          if (since == null) {
            reader.forEach(kind, write);
          } else {
            reader.forEachChangedSince(kind, since, write);
          }
        } catch (IOException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException("cannot read the projection: " + e.getMessage(), e);
        }
      }
    }
    size[0] = counting.count;
  }

  private static ObjectNode toLine(ProjectionRow row) {
    ObjectNode line = Json.mapper().createObjectNode();
    line.put("kind", row.kind().wire());
    line.put("key", row.key());
    line.put("version", row.version());
    line.put("partition", row.partition());
    line.put("offset", row.offset());
    line.set("data", row.data());
    return line;
  }

  /** Reads the rows of checkpoint {@code m} in {@code dir} (verify its checksum first). */
  static void read(Path dir, CheckpointManifest m, ProjectionReader.RowVisitor visitor)
      throws Exception {
    Path data = dir.resolve(m.dataFile());
    long line = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new ZstdInputStream(Files.newInputStream(data)), StandardCharsets.UTF_8))) {
      for (String text; (text = in.readLine()) != null; ) {
        line++;
        if (text.isEmpty()) {
          continue;
        }
        visitor.visit(parseRow(m, line, text));
      }
    } catch (IOException e) {
      throw new CheckpointException(
          "checkpoint " + m.id() + " cannot be read at line " + line + ": " + e.getMessage(), e);
    }
  }

  private static ProjectionRow parseRow(CheckpointManifest m, long line, String text) {
    try {
      JsonNode node = Json.mapper().readTree(text);
      return new ProjectionRow(
          RowKind.fromWire(node.path("kind").asText()),
          node.path("key").asText(),
          node.path("version").asLong(),
          node.path("partition").asInt(),
          node.path("offset").asLong(),
          node.get("data"));
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(
          "checkpoint " + m.id() + " has an unreadable row at line " + line + ": " + e.getMessage(),
          e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Counts bytes on their way to the file. */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
