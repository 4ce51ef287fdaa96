package dev.baton.app.sink.audit;

import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import dev.baton.app.metrics.SinkMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one partition's segments: appends lines to the open segment, group-fsyncs, rotates.
 *
 * <p>The position comes from the files alone. {@link #open} reads the newest segment, cuts off a
 * torn last line (a crash mid-write), and {@link #nextOffset()} is then the offset after the last
 * complete line: consuming from there leaves no gap and writes nothing twice. A kill at any moment
 * leaves a state this handles:
 *
 * <ul>
 *   <li>during a write: a torn last line, cut off on open;
 *   <li>between a write and its fsync: complete lines the OS still has (a power loss may lose them,
 *       or leave garbage at the end, which is also cut off when nothing valid follows it);
 *   <li>after a new segment file was created, before its first line: an empty open segment, deleted
 *       on open;
 *   <li>during rotation: the open segment is fsynced, then renamed to its closed name atomically,
 *       so it is either still open (and full: it is closed on the next append) or closed;
 *   <li>during compression or retention: see {@link SegmentMaintenance}.
 * </ul>
 *
 * <p>Writes are buffered (whole lines only) and reach the file at the end of each poll batch; fsync
 * happens per group, when {@code fsyncBytes} are unsynced or {@code fsyncInterval} has passed since
 * the oldest unsynced write, never per line. Not thread-safe: one sink thread owns it.
 */
final class PartitionLog implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
  private static final int WRITE_BUFFER_BYTES = 256 * 1024;

  private final int partition;
  private final Path dir;
  private final AuditSinkSettings.Rotation rotation;
  private final long fsyncIntervalMs;
  private final long fsyncBytes;
  private final LongSupplier clock;
  private final FileIo io;
  private final SegmentMaintenance maintenance;
  private final SinkMetrics metrics;
  private final AuditLineEncoder encoder = new AuditLineEncoder();
  private final LineBuffer buffer = new LineBuffer();

  private long lastOffset;
  private String lastHash;
  private long writtenOffset;
  private long durableOffset;

  private FileChannel channel;
  private Path openPath;
  private long segmentFirstOffset;
  private long segmentLines;
  private long segmentBytes;
  private long segmentOpenedAt;
  private boolean dirDirty;

  private long unsynced;
  private long firstUnsyncedAt = -1;

  // Bytes of the open segment written to its channel, and of those the ones fsynced.
  private long writtenBytes;
  private long durableBytes;
  // The step in progress and its file, for the report when it fails.
  private String step = "open";
  private Path stepPath;
  // Set when a step failed: the log then only takes discardUndurable().
  private boolean failed;

  private PartitionLog(
      int partition,
      Path dir,
      AuditSinkSettings settings,
      LongSupplier clock,
      FileIo io,
      SinkMetrics metrics) {
    this.io = io;
    this.partition = partition;
    this.metrics = metrics;
    this.dir = dir;
    this.rotation = settings.rotation();
    this.fsyncIntervalMs = settings.fsyncInterval().toMillis();
    this.fsyncBytes = settings.fsyncBytes();
    this.clock = clock;
    this.maintenance = new SegmentMaintenance(partition, dir, settings, clock, io);
  }

  /**
   * Opens a partition's folder for appending: finishes interrupted maintenance, repairs a torn last
   * line and finds where to go on.
   *
   * @throws AuditCorruptionException when the newest segment is damaged other than at its end
   */
  static PartitionLog open(int partition, AuditSinkSettings settings, LongSupplier clock)
      throws IOException {
    return open(partition, settings, clock, FileIo.SYSTEM, SinkMetrics.none("audit"));
  }

  /** {@link #open(int, AuditSinkSettings, LongSupplier)} writing through {@code io}. */
  static PartitionLog open(int partition, AuditSinkSettings settings, LongSupplier clock, FileIo io)
      throws IOException {
    return open(partition, settings, clock, io, SinkMetrics.none("audit"));
  }

  /** As above, timing fsyncs and counting rotations in {@code metrics}. */
  static PartitionLog open(
      int partition, AuditSinkSettings settings, LongSupplier clock, FileIo io, SinkMetrics metrics)
      throws IOException {
    Path dir = settings.dir().resolve(Integer.toString(partition));
    Files.createDirectories(dir);
    PartitionLog log = new PartitionLog(partition, dir, settings, clock, io, metrics);
    try {
      log.resume();
    } catch (AuditCorruptionException e) {
      log.closeChannelQuietly();
      throw e;
    } catch (IOException e) {
      log.closeChannelQuietly();
      throw new OpenFailed(log.failedStep(), log.failedPath(), e);
    } catch (RuntimeException e) {
      log.closeChannelQuietly();
      throw e;
    }
    return log;
  }

  /** A disk fault while opening a partition, with the step and file it happened at. */
  static final class OpenFailed extends IOException {
    private static final long serialVersionUID = 1L;
    final String step;
    final transient Path path;

    OpenFailed(String step, Path path, IOException cause) {
      super(cause.getMessage(), cause);
      this.step = step;
      this.path = path;
    }
  }

  private void resume() throws IOException {
    at("open", dir);
    maintenance.cleanUp();
    List<Segment> segments = AuditDirectory.list(dir, partition);
    for (int i = 0; i < segments.size() - 1; i++) {
      if (segments.get(i).state() == Segment.State.OPEN) {
        throw new AuditCorruptionException(
            segments.get(i).name() + " is open but not the newest segment");
      }
    }
    lastOffset = -1;
    lastHash = AuditLine.GENESIS;
    Optional<RetentionAnchor> anchor = RetentionAnchor.read(dir);
    if (anchor.isPresent()) {
      lastOffset = anchor.get().lastOffset();
      lastHash = anchor.get().lastHash();
    }
    Segment newest = segments.isEmpty() ? null : segments.get(segments.size() - 1);
    if (newest != null && newest.state() == Segment.State.OPEN) {
      if (!reopen(newest)) {
        newest = segments.size() > 1 ? segments.get(segments.size() - 2) : null;
      }
    }
    if (channel == null && newest != null) {
      AuditLine last = SegmentMaintenance.lastLine(newest);
      lastOffset = last.offset();
      lastHash = last.hash();
    }
    writtenOffset = lastOffset;
    durableOffset = lastOffset;
    at("compress", dir);
    maintenance.compressClosed();
    maintenance.applyRetention();
    LOG.info(
        "audit partition {}: resuming after offset {} in {}",
        partition,
        lastOffset,
        channel == null ? "a new segment" : openPath.getFileName());
  }

  /** Reopens the open segment after repairing its tail; false if it was empty and is deleted. */
  private boolean reopen(Segment open) throws IOException {
    long keep = 0;
    long lines = 0;
    AuditLine first = null;
    AuditLine last = null;
    String badReason = null;
    long badLine = 0;
    try (InputStream in = Files.newInputStream(open.path());
        LineReader reader = new LineReader(in)) {
      while (reader.next()) {
        AuditLine line = null;
        String reason = null;
        if (!reader.terminated()) {
          reason = "torn last line";
        } else if (reader.tooLong()) {
          reason = "line too long";
        } else {
          try {
            line = AuditLine.parse(reader.buffer(), reader.length());
          } catch (AuditLine.BadLineException e) {
            reason = e.getMessage();
          }
        }
        if (line != null && badReason != null) {
          throw new AuditCorruptionException(
              open.name()
                  + ":"
                  + badLine
                  + ": "
                  + badReason
                  + ", but valid lines follow (line "
                  + reader.lineNumber()
                  + "): not a torn tail; run baton audit verify");
        }
        if (line != null) {
          if (last == null && line.offset() != open.firstOffset()) {
            reason = "first line has offset " + line.offset();
          } else if (last != null && line.offset() <= last.offset()) {
            reason = "offset " + line.offset() + " after " + last.offset();
          } else if (last != null && !line.prev().equals(last.hash())) {
            reason = "hash chain broken";
          }
          if (reason != null) {
            throw new AuditCorruptionException(
                open.name()
                    + ":"
                    + reader.lineNumber()
                    + ": "
                    + reason
                    + "; run baton audit verify");
          }
        }
        if (reason != null) {
          if (badReason == null) {
            badReason = reason;
            badLine = reader.lineNumber();
          }
          continue;
        }
        if (first == null) {
          first = line;
        }
        last = line;
        lines++;
        keep = reader.lineStart() + reader.length() + 1;
      }
    }
    long size = Files.size(open.path());
    at("truncate", open.path());
    if (keep < size) {
      try (FileChannel ch = io.open(open.path(), StandardOpenOption.WRITE)) {
        ch.truncate(keep);
        ch.force(true);
      }
      LOG.warn(
          "audit partition {}: cut {} bytes off the end of {} ({} at line {}: a write torn by a"
              + " crash); the records are written again from Kafka",
          partition,
          size - keep,
          open.name(),
          badReason,
          badLine);
    }
    if (lines == 0) {
      Files.delete(open.path());
      at("fsync", dir);
      io.fsyncDirectory(dir);
      return false;
    }
    at("fsync", open.path());
    channel = io.open(open.path(), StandardOpenOption.WRITE);
    channel.position(keep);
    // What a killed process left is in the page cache, not necessarily on disk: make it durable
    // before going on from it (a failure here is a disk fault like any other).
    channel.force(true);
    writtenBytes = keep;
    durableBytes = keep;
    openPath = open.path();
    segmentFirstOffset = open.firstOffset();
    segmentLines = lines;
    segmentBytes = keep;
    segmentOpenedAt = Math.min(clock.getAsLong(), first.timestamp());
    lastOffset = last.offset();
    lastHash = last.hash();
    return true;
  }

  /** The offset to consume from, or -1 when the partition has no lines yet (from the start). */
  long nextOffset() {
    return lastOffset < 0 ? -1 : lastOffset + 1;
  }

  /** The newest offset whose line is fsynced. */
  long durableOffset() {
    return durableOffset;
  }

  int partition() {
    return partition;
  }

  /** Appends a record; a record at or below the last offset written is ignored. */
  void append(long offset, long timestamp, String key, byte[] value) throws IOException {
    usable();
    try {
      doAppend(offset, timestamp, key, value);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  private void doAppend(long offset, long timestamp, String key, byte[] value) throws IOException {
    if (offset <= lastOffset) {
      LOG.debug("audit partition {}: offset {} is already written", partition, offset);
      return;
    }
    AuditLineEncoder.Encoded line =
        encoder.encode(partition, offset, timestamp, key, value, lastHash);
    long now = clock.getAsLong();
    if (channel != null) {
      String reason = rotationBefore(line.length(), now);
      if (reason != null) {
        rotate(reason);
      }
    }
    if (channel == null) {
      create(offset, now);
    }
    buffer.write(line.buf(), 0, line.length());
    segmentLines++;
    segmentBytes += line.length();
    lastOffset = offset;
    lastHash = line.hash();
    if (buffer.size() >= WRITE_BUFFER_BYTES) {
      writeOut();
    }
    if (segmentLines >= rotation.maxLines()) {
      rotate("lines");
    } else if (segmentBytes >= rotation.maxBytes()) {
      rotate("size");
    }
  }

  private String rotationBefore(int lineLength, long now) {
    if (segmentLines == 0) {
      return null;
    }
    if (segmentLines >= rotation.maxLines()) {
      return "lines";
    }
    if (segmentBytes + lineLength > rotation.maxBytes()) {
      return "size";
    }
    if (now - segmentOpenedAt >= rotation.maxAge().toMillis()) {
      return "age";
    }
    return null;
  }

  /** Writes buffered lines, rotates an old segment and fsyncs when a bound is reached. */
  void tick() throws IOException {
    usable();
    try {
      doTick();
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  private void doTick() throws IOException {
    long now = clock.getAsLong();
    if (channel != null
        && segmentLines > 0
        && now - segmentOpenedAt >= rotation.maxAge().toMillis()) {
      rotate("age");
      return;
    }
    writeOut();
    if (unsynced > 0 && now - firstUnsyncedAt >= fsyncIntervalMs) {
      sync();
    }
  }

  private void create(long firstOffset, long now) throws IOException {
    openPath = dir.resolve(Segment.fileName(firstOffset, Segment.State.OPEN));
    writtenBytes = 0;
    durableBytes = 0;
    at("create", openPath);
    channel = io.open(openPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segmentFirstOffset = firstOffset;
    segmentLines = 0;
    segmentBytes = 0;
    segmentOpenedAt = now;
    dirDirty = true;
  }

  private void writeOut() throws IOException {
    if (buffer.size() == 0) {
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap(buffer.bytes(), 0, buffer.size());
    at("write", openPath);
    while (bytes.hasRemaining()) {
      writtenBytes += channel.write(bytes);
    }
    if (unsynced == 0) {
      firstUnsyncedAt = clock.getAsLong();
    }
    unsynced += buffer.size();
    buffer.reset();
    writtenOffset = lastOffset;
    if (unsynced >= fsyncBytes) {
      sync();
    }
  }

  private void sync() throws IOException {
    at("fsync", openPath);
    metrics.force(channel, false);
    if (dirDirty) {
      at("fsync", dir);
      io.fsyncDirectory(dir);
      dirDirty = false;
    }
    unsynced = 0;
    firstUnsyncedAt = -1;
    durableOffset = writtenOffset;
    durableBytes = writtenBytes;
  }

  private void rotate(String reason) throws IOException {
    writeOut();
    at("fsync", openPath);
    metrics.force(channel, true);
    durableBytes = writtenBytes;
    channel.close();
    channel = null;
    Path closed = dir.resolve(Segment.fileName(segmentFirstOffset, Segment.State.CLOSED));
    at("rename", closed);
    DurableFiles.rename(io, openPath, closed);
    openPath = null;
    dirDirty = false;
    unsynced = 0;
    firstUnsyncedAt = -1;
    durableOffset = writtenOffset;
    LOG.info(
        "audit partition {}: closed {} ({} lines, {} bytes, by {})",
        partition,
        closed.getFileName(),
        segmentLines,
        segmentBytes,
        reason);
    metrics.rotated(reason);
    at("compress", closed);
    maintenance.segmentClosed(
        new Segment(partition, segmentFirstOffset, closed, Segment.State.CLOSED));
  }

  private void at(String step, Path path) {
    this.step = step;
    this.stepPath = path;
  }

  /** The step that was in progress when a call failed: write, fsync, rename, create, ... */
  String failedStep() {
    return step;
  }

  /** The file or folder of {@link #failedStep()}. */
  Path failedPath() {
    return stepPath;
  }

  private void usable() {
    if (failed) {
      throw new IllegalStateException(
          "audit partition " + partition + ": a write failed; the log must be discarded");
    }
  }

  /**
   * After a failed step, throws away everything not known to be on disk, so the partition can be
   * opened again and rewritten from its last durable line. After a failed fsync the page cache
   * cannot be trusted (Linux marks the pages clean although the device never got them, and a second
   * fsync then reports success): so the channel is not fsynced again, the open segment is cut back
   * through a new channel to the bytes the last successful fsync covered (an open segment created
   * since is deleted), and the folder is fsynced. The lines cut off are written again from Kafka.
   * Idempotent: when it fails itself (the disk is still failing), call it again later.
   */
  void discardUndurable() throws IOException {
    failed = true;
    closeChannelQuietly();
    if (openPath != null && Files.exists(openPath)) {
      if (durableBytes == 0) {
        at("delete", openPath);
        Files.delete(openPath);
      } else {
        at("truncate", openPath);
        try (FileChannel ch = io.open(openPath, StandardOpenOption.WRITE)) {
          if (ch.size() > durableBytes) {
            ch.truncate(durableBytes);
          }
          ch.force(true);
        }
      }
    }
    at("fsync", dir);
    io.fsyncDirectory(dir);
  }

  private void closeChannelQuietly() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("audit partition {}: closing a failed channel", partition, e);
    }
    channel = null;
  }

  /**
   * Writes and fsyncs what is buffered; with {@code seal} the open segment is also closed, so the
   * folder holds only closed segments after a clean stop.
   */
  void close(boolean seal) throws IOException {
    if (failed) {
      discardUndurable();
      return;
    }
    if (channel == null) {
      return;
    }
    try {
      doClose(seal);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  private void doClose(boolean seal) throws IOException {
    if (seal && segmentLines > 0) {
      rotate("stop");
      return;
    }
    writeOut();
    sync();
    channel.close();
    channel = null;
  }

  @Override
  public void close() throws IOException {
    close(true);
  }
}
