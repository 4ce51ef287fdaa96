package dev.baton.app.sink.audit;

import com.github.luben.zstd.ZstdOutputStream;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to closed segments: compression and retention, run by the sink thread right after a
 * rotation (and when a partition is opened, to finish what a crash interrupted).
 *
 * <p>Compression writes {@code <first>.jsonl.zst.tmp}, fsyncs it, renames it to {@code
 * <first>.jsonl.zst} and only then deletes {@code <first>.jsonl}. A crash leaves either a temp file
 * (deleted on start, the plain segment is compressed again) or both files (the compressed one is
 * deleted and made again; readers use the plain one meanwhile).
 *
 * <p>Retention deletes a partition's oldest closed segments (never the newest closed one, never the
 * open one), oldest first, while they are older than the age limit or the partition is over its
 * byte limit. It first records the last deleted line in the {@link RetentionAnchor}, so {@code
 * verify} still checks the chain from the first segment left, and logs a warning naming what is
 * gone: from then on state cannot be recovered from these files alone from before that point (a
 * checkpoint must cover it).
 */
final class SegmentMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentMaintenance.class);
  private static final int COMPRESSION_LEVEL = 3;

  private final int partition;
  private final Path dir;
  private final boolean compress;
  private final AuditSinkSettings.Retention retention;
  private final LongSupplier clock;
  private final FileIo io;

  SegmentMaintenance(
      int partition, Path dir, AuditSinkSettings settings, LongSupplier clock, FileIo io) {
    this.io = io;
    this.partition = partition;
    this.dir = dir;
    this.compress = settings.compress();
    this.retention = settings.retention();
    this.clock = clock;
  }

  /** Removes what an interrupted step left behind. */
  void cleanUp() throws IOException {
    boolean changed = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(DurableFiles.TEMP_SUFFIX)) {
          Files.deleteIfExists(f);
          changed = true;
        } else if (name.endsWith(Segment.State.COMPRESSED.suffix())
            && Files.exists(f.resolveSibling(name.substring(0, name.length() - 4)))) {
          Files.deleteIfExists(f);
          changed = true;
        }
      }
    }
    Optional<RetentionAnchor> anchor = RetentionAnchor.read(dir);
    if (anchor.isPresent()) {
      for (Segment s : AuditDirectory.list(dir, partition)) {
        if (s.firstOffset() <= anchor.get().lastOffset()) {
          Files.deleteIfExists(s.path());
          changed = true;
        }
      }
    }
    if (changed) {
      io.fsyncDirectory(dir);
    }
  }

  /** Compresses a just-closed segment if configured, then applies retention. */
  void segmentClosed(Segment closed) throws IOException {
    if (compress) {
      compress(closed);
    }
    applyRetention();
  }

  /** Compresses every closed, uncompressed segment (after a crash interrupted compression). */
  void compressClosed() throws IOException {
    if (!compress) {
      return;
    }
    for (Segment s : AuditDirectory.list(dir, partition)) {
      if (s.state() == Segment.State.CLOSED) {
        compress(s);
      }
    }
  }

  private void compress(Segment plain) throws IOException {
    Path target = plain.as(Segment.State.COMPRESSED).path();
    long started = System.nanoTime();
    DurableFiles.write(
        io,
        target,
        out -> {
          try (InputStream in = Files.newInputStream(plain.path());
              OutputStream zstd = new ZstdOutputStream(out, COMPRESSION_LEVEL)) {
            in.transferTo(zstd);
          }
        });
    long before = Files.size(plain.path());
    Files.delete(plain.path());
    io.fsyncDirectory(dir);
    LOG.debug(
        "audit partition {}: compressed {} from {} to {} bytes in {} ms",
        partition,
        target.getFileName(),
        before,
        Files.size(target),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** Deletes the oldest closed segments beyond the retention limits, anchoring the chain first. */
  void applyRetention() throws IOException {
    if (!retention.enabled()) {
      return;
    }
    List<Segment> segments = AuditDirectory.list(dir, partition);
    long total = 0;
    long[] sizes = new long[segments.size()];
    for (int i = 0; i < segments.size(); i++) {
      sizes[i] = Files.size(segments.get(i).path());
      total += sizes[i];
    }
    int newestClosed = -1;
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).closed()) {
        newestClosed = i;
      }
    }
    long now = clock.getAsLong();
    int delete = 0;
    long deletedBytes = 0;
    for (int i = 0; i < newestClosed; i++) {
      Segment s = segments.get(i);
      boolean old =
          retention.maxAgeMs() >= 0
              && now - Files.getLastModifiedTime(s.path()).toMillis() > retention.maxAgeMs();
      boolean over = retention.maxBytes() >= 0 && total - deletedBytes > retention.maxBytes();
      if (!old && !over) {
        break;
      }
      delete = i + 1;
      deletedBytes += sizes[i];
    }
    if (delete == 0) {
      return;
    }
    Segment lastDeleted = segments.get(delete - 1);
    AuditLine last = lastLine(lastDeleted);
    Optional<RetentionAnchor> previous = RetentionAnchor.read(dir);
    RetentionAnchor anchor =
        new RetentionAnchor(
            partition,
            last.offset(),
            last.hash(),
            previous.map(RetentionAnchor::deletedSegments).orElse(0L) + delete,
            previous.map(RetentionAnchor::deletedBytes).orElse(0L) + deletedBytes,
            Instant.ofEpochMilli(now));
    anchor.write(io, dir);
    for (int i = 0; i < delete; i++) {
      Files.deleteIfExists(segments.get(i).path());
    }
    io.fsyncDirectory(dir);
    LOG.warn(
        "audit retention deleted {} segments ({} bytes) of partition {}, up to offset {}: the"
            + " audit trail of this partition now starts after that offset, and recovering state"
            + " from these files alone no longer sees earlier events (keep a checkpoint that"
            + " covers them)",
        delete,
        deletedBytes,
        partition,
        last.offset());
  }

  /**
   * The last line of a closed segment.
   *
   * @throws AuditCorruptionException if it is not a valid line
   */
  static AuditLine lastLine(Segment segment) throws IOException {
    byte[] last = null;
    int length = 0;
    boolean terminated = false;
    try (LineReader reader = new LineReader(AuditDirectory.open(segment, new AtomicLong()))) {
      while (reader.next()) {
        if (last == null || last.length < reader.length()) {
          last = new byte[Math.max(reader.length(), 256)];
        }
        System.arraycopy(reader.buffer(), 0, last, 0, reader.length());
        length = reader.length();
        terminated = reader.terminated() && !reader.tooLong();
      }
    }
    if (last == null || !terminated) {
      throw new AuditCorruptionException(
          segment.name()
              + (last == null ? " is empty" : " ends in a torn line")
              + "; run baton audit verify");
    }
    try {
      return AuditLine.parse(last, length);
    } catch (AuditLine.BadLineException e) {
      throw new AuditCorruptionException(
          segment.name() + ": last line: " + e.getMessage() + "; run baton audit verify");
    }
  }
}
