package dev.baton.app.sink.audit;

import com.github.luben.zstd.ZstdInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The audit folder as readers see it: {@code <dir>/<partition>/<segment files>} (see {@link
 * Segment}), plus per partition an optional {@code retention.json} ({@link RetentionAnchor}).
 * Reading needs no Kafka and no running sink; a sink writing at the same time is tolerated (a
 * segment that is closed or compressed between listing and opening is found under its new name).
 */
public final class AuditDirectory {
  private final Path root;
  private final AtomicLong bytesRead = new AtomicLong();

  public AuditDirectory(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Compressed and plain bytes read from segment files so far, for progress reports. */
  public long bytesRead() {
    return bytesRead.get();
  }

  /** The partitions that have a folder, ascending. */
  public List<Integer> partitions() {
    if (!Files.isDirectory(root)) {
      throw new UncheckedIOException(new NoSuchFileException(root + " is not a directory"));
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d{1,9}"))
          .map(Integer::parseInt)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  public Path partitionDir(int partition) {
    return root.resolve(Integer.toString(partition));
  }

  /**
   * The partition's segments by first offset. When a segment exists both plain and compressed
   * (compression was interrupted after the compressed file was complete), the plain file is the one
   * listed.
   */
  public List<Segment> segments(int partition) {
    return list(partitionDir(partition), partition);
  }

  static List<Segment> list(Path dir, int partition) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    Map<Long, Segment> byOffset = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f ->
              Segment.of(partition, f)
                  .ifPresent(s -> byOffset.merge(s.firstOffset(), s, AuditDirectory::preferred)));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    List<Segment> segments = new ArrayList<>(byOffset.values());
    segments.sort(Segment.BY_OFFSET);
    return segments;
  }

  private static Segment preferred(Segment a, Segment b) {
    return a.state().ordinal() <= b.state().ordinal() ? a : b;
  }

  /** Total size of the partition's segment files. */
  public long size(List<Segment> segments) {
    long total = 0;
    for (Segment s : segments) {
      try {
        total += Files.size(s.path());
      } catch (IOException e) {
        // Moved by a running sink since listing; only a progress estimate.
      }
    }
    return total;
  }

  /** The retention anchor of a partition, if retention deleted segments. */
  public Optional<RetentionAnchor> anchor(int partition) {
    return RetentionAnchor.read(partitionDir(partition));
  }

  /**
   * Opens a segment for reading, decompressing transparently. If the file was closed or compressed
   * since it was listed, opens it under its new name.
   */
  public InputStream open(Segment segment) throws IOException {
    return open(segment, bytesRead);
  }

  static InputStream open(Segment segment, AtomicLong counter) throws IOException {
    List<Segment.State> tries =
        switch (segment.state()) {
          case OPEN -> List.of(Segment.State.OPEN, Segment.State.CLOSED, Segment.State.COMPRESSED);
          case CLOSED -> List.of(Segment.State.CLOSED, Segment.State.COMPRESSED);
          case COMPRESSED -> List.of(Segment.State.COMPRESSED);
        };
    NoSuchFileException missing = null;
    for (Segment.State state : tries) {
      Segment candidate = segment.as(state);
      InputStream file;
      try {
        file = new Counting(Files.newInputStream(candidate.path()), counter);
      } catch (NoSuchFileException e) {
        missing = missing == null ? e : missing;
        continue;
      }
      if (state == Segment.State.COMPRESSED) {
        try {
          return new ZstdInputStream(file);
        } catch (IOException | RuntimeException e) {
          file.close();
          throw e;
        }
      }
      return file;
    }
    throw missing;
  }

  /** Counts the bytes read from a file. */
  private static final class Counting extends FilterInputStream {
    private final AtomicLong counter;

    Counting(InputStream in, AtomicLong counter) {
      super(in);
      this.counter = counter;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counter.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        counter.addAndGet(n);
      }
      return n;
    }
  }
}
