package dev.baton.app.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A {@link FileIo} over the real file system that fails calls the way a full or failing disk does,
 * and models what Linux does to the page cache when an fsync fails.
 *
 * <ul>
 *   <li>{@link #space(long)}: the free space. A write past it writes what fits and then fails with
 *       {@code No space left on device}, as {@code write(2)} does (a partial write first);
 *   <li>{@link #failNext}: the next n calls of one kind on matching paths fail with a given error
 *       ({@code Input/output error} for a failed fsync);
 *   <li>the page cache: bytes written since a file's last successful fsync are dirty. When an fsync
 *       fails, Linux marks those pages clean although the device never got them, so the next fsync
 *       succeeds without writing them: they are <em>lost</em> (reads still show them until the
 *       cache drops them). Writing the same bytes again makes them dirty again; a truncation below
 *       them drops them. {@link #powerLoss()} then does to the files what a reboot would: zeroes
 *       every lost range. A writer that trusted the page cache after a failed fsync leaves zeros in
 *       its files; one that rewrote from its last durable position leaves none.
 * </ul>
 *
 * <p>Thread-safe: tests change the faults while a sink thread writes.
 */
public final class FaultyFileIo implements FileIo {
  /** The message of {@code ENOSPC}. */
  public static final String ENOSPC = "No space left on device";

  /** The message of {@code EIO}. */
  public static final String EIO = "Input/output error";

  /** The calls that can fail. */
  public enum Op {
    OPEN,
    WRITE,
    FORCE,
    TRUNCATE,
    MOVE,
    FSYNC_DIR
  }

  private record Rule(Op op, Predicate<Path> where, String message, int[] left) {}

  /** Byte ranges [start, end) of one file. */
  private static final class Ranges {
    final List<long[]> dirty = new ArrayList<>();
    final List<long[]> lost = new ArrayList<>();
  }

  private final List<Rule> rules = new ArrayList<>();
  private final Map<Path, Ranges> files = new HashMap<>();
  private long space = -1;
  private int injected;
  private int forcesAfterFailedForce;

  /** Sets the free space in bytes; -1 for unlimited. */
  public synchronized void space(long bytes) {
    space = bytes;
  }

  /** The next {@code times} calls of {@code op} on a path {@code where} accepts fail. */
  public synchronized void failNext(Op op, int times, String message, Predicate<Path> where) {
    rules.add(new Rule(op, where, message, new int[] {times}));
  }

  /** Every call of {@code op} on a path {@code where} accepts fails until {@link #clear()}. */
  public synchronized void failAlways(Op op, String message, Predicate<Path> where) {
    failNext(op, Integer.MAX_VALUE, message, where);
  }

  /** Ends every fault: unlimited space, no rules. The page cache model stays. */
  public synchronized void clear() {
    rules.clear();
    space = -1;
  }

  /** How many calls failed because of this class. */
  public synchronized int injected() {
    return injected;
  }

  /** How often a channel was fsynced again after an fsync on it had failed (the fsyncgate bug). */
  public synchronized int forcesAfterFailedForce() {
    return forcesAfterFailedForce;
  }

  /** Bytes currently lost: acknowledged clean by the page cache, never on the device. */
  public synchronized long lostBytes() {
    long n = 0;
    for (Ranges r : files.values()) {
      for (long[] range : r.lost) {
        n += range[1] - range[0];
      }
    }
    return n;
  }

  /**
   * Does to the files what a reboot after the lost writes would: every lost range of a file that
   * still exists becomes zeros.
   *
   * @return the bytes zeroed
   */
  public synchronized long powerLoss() throws IOException {
    long zeroed = 0;
    for (Map.Entry<Path, Ranges> e : files.entrySet()) {
      if (!java.nio.file.Files.exists(e.getKey())) {
        continue;
      }
      try (FileChannel ch = FileChannel.open(e.getKey(), StandardOpenOption.WRITE)) {
        long size = ch.size();
        for (long[] range : e.getValue().lost) {
          long end = Math.min(range[1], size);
          if (end > range[0]) {
            ch.write(ByteBuffer.allocate((int) (end - range[0])), range[0]);
            zeroed += end - range[0];
          }
        }
        ch.force(true);
      }
      e.getValue().lost.clear();
      e.getValue().dirty.clear();
    }
    return zeroed;
  }

  private synchronized void check(Op op, Path path) throws IOException {
    for (Rule r : rules) {
      if (r.op() == op && r.left()[0] > 0 && r.where().test(path)) {
        if (r.left()[0] != Integer.MAX_VALUE) {
          r.left()[0]--;
        }
        injected++;
        throw new IOException(r.message());
      }
    }
  }

  private synchronized Ranges ranges(Path path) {
    return files.computeIfAbsent(key(path), k -> new Ranges());
  }

  private static Path key(Path path) {
    return path.toAbsolutePath().normalize();
  }

  @Override
  public FileChannel open(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
      throws IOException {
    check(Op.OPEN, path);
    FileChannel real = FileChannel.open(path, options, attributes);
    if (options.contains(StandardOpenOption.CREATE_NEW)
        || options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
      synchronized (this) {
        files.remove(key(path));
      }
    }
    return new Faulty(path, real);
  }

  @Override
  public void move(Path from, Path to) throws IOException {
    check(Op.MOVE, to);
    FileIo.super.move(from, to);
    synchronized (this) {
      Ranges r = files.remove(key(from));
      files.remove(key(to));
      if (r != null) {
        files.put(key(to), r);
      }
    }
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    check(Op.FSYNC_DIR, dir);
    FileIo.super.fsyncDirectory(dir);
  }

  private static void add(List<long[]> ranges, long start, long end) {
    if (end > start) {
      ranges.add(new long[] {start, end});
    }
  }

  private static void remove(List<long[]> ranges, long start, long end) {
    List<long[]> out = new ArrayList<>();
    for (long[] r : ranges) {
      if (r[1] <= start || r[0] >= end) {
        out.add(r);
        continue;
      }
      add(out, r[0], start);
      add(out, end, r[1]);
    }
    ranges.clear();
    ranges.addAll(out);
  }

  /** A channel whose writes, truncations and fsyncs can fail. */
  private final class Faulty extends FileChannel {
    private final Path path;
    private final FileChannel real;
    private boolean forceFailed;

    Faulty(Path path, FileChannel real) {
      this.path = path;
      this.real = real;
    }

    private int writeAt(ByteBuffer src, long position, boolean positional) throws IOException {
      check(Op.WRITE, path);
      int wanted = src.remaining();
      int allowed = wanted;
      synchronized (FaultyFileIo.this) {
        if (space >= 0) {
          if (space == 0 && wanted > 0) {
            injected++;
            throw new IOException(ENOSPC);
          }
          allowed = (int) Math.min(wanted, space);
        }
      }
      ByteBuffer slice = src.duplicate();
      slice.limit(slice.position() + allowed);
      int n = positional ? real.write(slice, position) : real.write(slice);
      src.position(src.position() + n);
      synchronized (FaultyFileIo.this) {
        if (space >= 0) {
          space -= n;
        }
        Ranges r = ranges(path);
        remove(r.lost, position, position + n);
        remove(r.dirty, position, position + n);
        add(r.dirty, position, position + n);
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return writeAt(src, real.position(), false);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return writeAt(src, position, true);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        n += write(srcs[i]);
      }
      return n;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      synchronized (FaultyFileIo.this) {
        if (forceFailed) {
          forcesAfterFailedForce++;
        }
      }
      try {
        check(Op.FORCE, path);
      } catch (IOException e) {
        synchronized (FaultyFileIo.this) {
          forceFailed = true;
          Ranges r = ranges(path);
          r.lost.addAll(r.dirty);
          r.dirty.clear();
        }
        throw e;
      }
      real.force(metaData);
      synchronized (FaultyFileIo.this) {
        ranges(path).dirty.clear();
      }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      check(Op.TRUNCATE, path);
      real.truncate(size);
      synchronized (FaultyFileIo.this) {
        Ranges r = ranges(path);
        remove(r.dirty, size, Long.MAX_VALUE);
        remove(r.lost, size, Long.MAX_VALUE);
      }
      return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      throw new UnsupportedOperationException("not used by Baton");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      throw new UnsupportedOperationException("not used by Baton");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
