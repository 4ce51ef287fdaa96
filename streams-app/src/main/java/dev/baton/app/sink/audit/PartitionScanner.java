package dev.baton.app.sink.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads one partition's segments in order and checks everything the files promise: each line is a
 * complete, well-formed line of the format (see {@link AuditLine}) whose own hash is right, its
 * {@code prev} is the hash of the line before (across segment boundaries too), offsets strictly
 * increase, each segment's name is its first offset, only the newest segment is open, and the first
 * segment continues the chain from its start (64 zeros) or from the {@link RetentionAnchor}.
 *
 * <p>Every line comes back as an {@link Item}, with a {@link Problem} when it is not to be trusted.
 * A line is judged once the line after it has been read: when a line is well-formed but the next
 * one does not chain to it, the first is the one reported (it was edited and its hash recomputed,
 * or lines after it were removed). The newest line of a partition has no successor, so an edit of
 * it that recomputes its hash is not detectable from the files alone: keep the head hashes that
 * {@code baton audit verify} prints somewhere else to anchor them.
 *
 * <p>After a problem the scan goes on: the next readable line starts the chain again.
 */
public final class PartitionScanner implements Closeable {

  /** What is wrong with a line or segment. */
  public enum Kind {
    TORN_LINE,
    GARBAGE,
    HASH_MISMATCH,
    CHAIN_BROKEN,
    MISSING_SEGMENT,
    REORDERED,
    MISNAMED,
    WRONG_PARTITION,
    EMPTY_SEGMENT,
    OPEN_NOT_LAST
  }

  /**
   * A problem at a place.
   *
   * @param line 1-based line number in the segment (decompressed), 0 for the segment as a whole
   */
  public record Problem(Segment segment, long line, Kind kind, String message) {
    /** {@code <partition>/<file>:<line>}. */
    public String location() {
      return segment.name() + ":" + line;
    }

    @Override
    public String toString() {
      return location() + ": " + kind.name().toLowerCase().replace('_', ' ') + ": " + message;
    }
  }

  /**
   * One line, or one segment-level problem.
   *
   * @param line the parsed line, or null when it cannot be read
   * @param bytes the line as stored, without the newline (null for segment-level problems)
   * @param problem why the line is not to be trusted, or null
   */
  public record Item(
      Segment segment, long lineNumber, AuditLine line, byte[] bytes, Problem problem) {
    public boolean ok() {
      return problem == null;
    }

    Item withProblem(Problem p) {
      return new Item(segment, lineNumber, line, bytes, p);
    }
  }

  private final AuditDirectory dir;
  private final int partition;
  private final List<Segment> segments;
  private final Optional<RetentionAnchor> anchor;
  private int nextSegment;
  private Segment segment;
  private LineReader reader;
  private long segmentLines;

  // The chain so far: the last line accepted.
  private String headHash;
  private long headOffset;
  private Segment headSegment;
  private boolean afterUnreadable;

  private Item pending;
  private boolean pendingIsHead;
  private boolean done;

  private long linesRead;
  private long problems;
  private int segmentsRead;

  /** Scans the whole partition. */
  public PartitionScanner(AuditDirectory dir, int partition) {
    this(dir, partition, -1);
  }

  /**
   * Scans the partition from the segment holding {@code fromOffset} on (every segment when
   * negative). The chain is then checked from the first line read, which cannot itself be checked
   * against the segments skipped.
   */
  public PartitionScanner(AuditDirectory dir, int partition, long fromOffset) {
    this.dir = dir;
    this.partition = partition;
    this.anchor = dir.anchor(partition);
    List<Segment> all = dir.segments(partition);
    if (anchor.isPresent()) {
      long deletedUpTo = anchor.get().lastOffset();
      all = all.stream().filter(s -> s.firstOffset() > deletedUpTo).toList();
    }
    int start = 0;
    if (fromOffset >= 0) {
      for (int i = 1; i < all.size(); i++) {
        if (all.get(i).firstOffset() <= fromOffset) {
          start = i;
        }
      }
    }
    this.segments = all.subList(start, all.size());
    if (start == 0) {
      headHash = anchor.map(RetentionAnchor::lastHash).orElse(AuditLine.GENESIS);
      headOffset = anchor.map(RetentionAnchor::lastOffset).orElse(-1L);
    } else {
      headHash = null;
      headOffset = -1;
    }
  }

  public int partition() {
    return partition;
  }

  public List<Segment> segments() {
    return segments;
  }

  public Optional<RetentionAnchor> anchor() {
    return anchor;
  }

  /** Hash of the newest line accepted so far (the partition's head once the scan is done). */
  public String headHash() {
    return headHash;
  }

  /** Offset of the newest line accepted so far, -1 if none. */
  public long headOffset() {
    return headOffset;
  }

  public long linesRead() {
    return linesRead;
  }

  public long problems() {
    return problems;
  }

  public int segmentsRead() {
    return segmentsRead;
  }

  /** The next item, or null at the end. */
  public Item next() {
    try {
      while (true) {
        if (done) {
          Item last = pending;
          pending = null;
          return last == null ? null : count(last);
        }
        Item raw = readRaw();
        if (raw == null) {
          done = true;
          continue;
        }
        Item judged = judge(raw);
        Item out = pending;
        pending = judged;
        if (out != null) {
          return count(out);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + (segment == null ? "partition " + partition : segment.path()), e);
    }
  }

  private Item count(Item item) {
    if (item.problem() != null) {
      problems++;
    }
    return item;
  }

  private Item readRaw() throws IOException {
    while (true) {
      if (reader == null) {
        if (nextSegment >= segments.size()) {
          return null;
        }
        segment = segments.get(nextSegment++);
        segmentsRead++;
        segmentLines = 0;
        if (segment.state() == Segment.State.OPEN && nextSegment < segments.size()) {
          return segmentProblem(
              Kind.OPEN_NOT_LAST,
              "an open segment must be the newest; a sink may have died"
                  + " while another wrote newer segments");
        }
        reader = new LineReader(dir.open(segment));
      }
      if (!reader.next()) {
        reader.close();
        reader = null;
        if (segmentLines == 0 && segment.closed()) {
          return segmentProblem(Kind.EMPTY_SEGMENT, "a closed segment with no lines");
        }
        continue;
      }
      segmentLines++;
      linesRead++;
      long n = reader.lineNumber();
      if (reader.tooLong()) {
        return lineProblem(
            n, null, Kind.GARBAGE, "longer than " + AuditLine.MAX_LINE_BYTES + " bytes");
      }
      byte[] bytes = Arrays.copyOf(reader.buffer(), reader.length());
      if (!reader.terminated()) {
        return lineProblem(
            n,
            bytes,
            Kind.TORN_LINE,
            segment.closed()
                ? "the segment ends in a line without newline: it was truncated"
                : "the last line has no newline: torn by a crash mid-write, or being written"
                    + " (the sink cuts a torn line off when it starts)");
      }
      try {
        AuditLine line = AuditLine.parse(bytes, bytes.length);
        return new Item(segment, n, line, bytes, null);
      } catch (AuditLine.BadLineException e) {
        return lineProblem(
            n, bytes, e.hashMismatch() ? Kind.HASH_MISMATCH : Kind.GARBAGE, e.getMessage());
      }
    }
  }

  private Item segmentProblem(Kind kind, String message) {
    return new Item(segment, 0, null, null, new Problem(segment, 0, kind, message));
  }

  private Item lineProblem(long n, byte[] bytes, Kind kind, String message) {
    return new Item(segment, n, null, bytes, new Problem(segment, n, kind, message));
  }

  private Item judge(Item raw) {
    AuditLine line = raw.line();
    if (line == null) {
      if (raw.lineNumber() > 0) {
        afterUnreadable = true;
      }
      pendingIsHead = false;
      return raw;
    }
    boolean firstOfSegment = raw.lineNumber() == 1;
    Item judged = raw;
    boolean accept = true;
    if (line.partition() != partition) {
      judged =
          problem(
              raw,
              Kind.WRONG_PARTITION,
              "the line is of partition " + line.partition() + ", in the folder of " + partition);
      accept = false;
    } else if (line.offset() <= headOffset) {
      judged =
          problem(
              raw,
              Kind.REORDERED,
              "offset "
                  + line.offset()
                  + " does not follow offset "
                  + headOffset
                  + (firstOfSegment
                      ? " of the previous segment: segments are out of order"
                      : ": a line is repeated or out of order"));
      accept = false;
    } else if (firstOfSegment && line.offset() != raw.segment().firstOffset()) {
      judged =
          problem(
              raw,
              Kind.MISNAMED,
              "the file is named for offset "
                  + raw.segment().firstOffset()
                  + " but its first line has offset "
                  + line.offset()
                  + ": segments were renamed or swapped");
    } else if (headHash != null && !afterUnreadable && !line.prev().equals(headHash)) {
      if (firstOfSegment) {
        judged = problem(raw, Kind.MISSING_SEGMENT, missingSegmentMessage());
      } else if (pendingIsHead && pending != null && pending.problem() == null) {
        pending =
            pending.withProblem(
                new Problem(
                    pending.segment(),
                    pending.lineNumber(),
                    Kind.CHAIN_BROKEN,
                    "line "
                        + raw.lineNumber()
                        + " chains to a different hash: this line was changed (and its own"
                        + " hash recomputed), or lines after it removed"));
      } else {
        judged = problem(raw, Kind.CHAIN_BROKEN, "prev does not match the hash of the line before");
      }
    }
    if (accept) {
      headHash = line.hash();
      headOffset = line.offset();
      headSegment = raw.segment();
      afterUnreadable = false;
    }
    pendingIsHead = accept;
    return judged;
  }

  private String missingSegmentMessage() {
    if (headSegment == null) {
      return anchor.isPresent()
          ? "the first segment left does not continue the retention anchor (offset "
              + anchor.get().lastOffset()
              + "): segments after it are missing"
          : "the first segment does not start the chain (prev is not 64 zeros): earlier segments"
              + " are missing";
    }
    return "does not continue "
        + headSegment.name()
        + " (last offset "
        + headOffset
        + "): a segment between them is missing, or that segment lost its last lines";
  }

  private static Item problem(Item raw, Kind kind, String message) {
    return raw.withProblem(new Problem(raw.segment(), raw.lineNumber(), kind, message));
  }

  @Override
  public void close() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        // Only a read stream.
      }
      reader = null;
    }
  }
}
