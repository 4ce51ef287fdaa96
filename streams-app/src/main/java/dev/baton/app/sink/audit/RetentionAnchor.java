package dev.baton.app.sink.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What retention deleted from a partition, so that the chain can still be checked from the first
 * segment left: {@code <partition>/retention.json}, replaced atomically before any segment is
 * deleted.
 *
 * <h2>Format {@value #FORMAT}</h2>
 *
 * <pre>
 * {"format":"baton-audit-retention/1","partition":3,"lastOffset":120345,
 *  "lastHash":"&lt;64 hex&gt;","deletedSegments":12,"deletedBytes":603979776,
 *  "at":"2026-11-27T22:00:00Z"}
 * </pre>
 *
 * {@code lastOffset} and {@code lastHash} are those of the last line deleted: the first segment
 * left must start after {@code lastOffset} and chain to {@code lastHash}. The counts add up over
 * every retention run. Segments at or below {@code lastOffset} that still exist (a crash between
 * writing this file and deleting them) are ignored by readers and deleted by the sink on start.
 *
 * @param partition the partition
 * @param lastOffset the offset of the last deleted line
 * @param lastHash the hash of the last deleted line
 * @param deletedSegments segments deleted so far
 * @param deletedBytes bytes deleted so far
 * @param at when retention last deleted
 */
public record RetentionAnchor(
    int partition,
    long lastOffset,
    String lastHash,
    long deletedSegments,
    long deletedBytes,
    Instant at) {

  public static final String FORMAT = "baton-audit-retention/1";
  public static final String FILE_NAME = "retention.json";

  /** Reads a partition's anchor; empty when retention never deleted anything there. */
  public static Optional<RetentionAnchor> read(Path partitionDir) {
    Path file = partitionDir.resolve(FILE_NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    try {
      JsonNode n = AuditLine.mapper().readTree(bytes);
      if (!FORMAT.equals(n.path("format").asText())) {
        throw new IllegalStateException(
            file + " has format '" + n.path("format").asText() + "', expected " + FORMAT);
      }
      return Optional.of(
          new RetentionAnchor(
              n.get("partition").intValue(),
              n.get("lastOffset").longValue(),
              n.get("lastHash").textValue(),
              n.get("deletedSegments").longValue(),
              n.get("deletedBytes").longValue(),
              Instant.parse(n.get("at").textValue())));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("unreadable retention anchor " + file + ": " + e, e);
    }
  }

  void write(FileIo io, Path partitionDir) throws IOException {
    ObjectNode n = AuditLine.mapper().createObjectNode();
    n.put("format", FORMAT);
    n.put("partition", partition);
    n.put("lastOffset", lastOffset);
    n.put("lastHash", lastHash);
    n.put("deletedSegments", deletedSegments);
    n.put("deletedBytes", deletedBytes);
    n.put("at", at.toString());
    DurableFiles.write(
        io, partitionDir.resolve(FILE_NAME), AuditLine.mapper().writeValueAsBytes(n));
  }
}
