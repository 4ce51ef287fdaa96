package dev.baton.app.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way Baton replaces a file so that a crash at any point leaves either the old or the new
 * file, never a mix (Kafka's {@code OffsetCheckpoint} order): write a temp file next to the target,
 * fsync it, rename it over the target atomically, fsync the directory. A failure at any step before
 * the rename deletes the temp file and leaves the target as it was.
 *
 * <p>Temp files end in {@value #TEMP_SUFFIX}; readers ignore them, and the owner of a directory
 * deletes leftovers of a crash when it starts. Every durable file Baton writes (audit segments and
 * their retention anchor, {@code decisions.md}, {@code state.json}, checkpoints, {@code audit
 * recover --out}) goes through this class.
 */
public final class DurableFiles {
  /** Suffix of files being written. */
  public static final String TEMP_SUFFIX = ".tmp";

  /** Writes the content of a file to a stream; it may close the stream (to end a frame). */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private DurableFiles() {}

  /** The temp file {@link #write} uses for {@code target}. */
  public static Path tempOf(Path target) {
    return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
  }

  /**
   * Replaces {@code target} atomically with what {@code content} writes, creating its directory if
   * needed. On failure the target is unchanged and no temp file is left.
   */
  public static void write(Path target, Content content) throws IOException {
    write(FileIo.SYSTEM, target, content, new FileAttribute<?>[0]);
  }

  /** {@link #write(Path, Content)} through {@code io}. */
  public static void write(FileIo io, Path target, Content content) throws IOException {
    write(io, target, content, new FileAttribute<?>[0]);
  }

  /**
   * Replaces {@code target} atomically with {@code bytes} in a file only its owner may read or
   * write ({@code rw-------} from the moment the temp file is created, on POSIX file systems): for
   * secrets such as {@code admin.token}.
   */
  public static void writeOwnerOnly(Path target, byte[] bytes) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    // A temp file left by a crash keeps its permissions when reopened: start from none.
    Files.deleteIfExists(tempOf(target.toAbsolutePath()));
    write(
        FileIo.SYSTEM,
        target,
        out -> out.write(bytes),
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0]);
  }

  private static void write(FileIo io, Path target, Content content, FileAttribute<?>[] attributes)
      throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path temp = tempOf(absolute);
    try {
      try (FileChannel ch =
          io.open(
              temp,
              java.util.Set.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING),
              attributes)) {
        OutputStream out = Channels.newOutputStream(ch);
        // The content may close its stream (to finish a compressed frame); the channel stays open
        // for the fsync.
        content.writeTo(
            new FilterOutputStream(out) {
              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
              }

              @Override
              public void close() throws IOException {
                out.flush();
              }
            });
        ch.force(true);
      }
      io.move(temp, absolute);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    io.fsyncDirectory(dir);
  }

  /** Replaces {@code target} atomically with {@code bytes}. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** {@link #write(Path, byte[])} through {@code io}. */
  public static void write(FileIo io, Path target, byte[] bytes) throws IOException {
    write(io, target, out -> out.write(bytes));
  }

  /**
   * Renames a file that is already durable (fsynced) atomically, replacing {@code to}, and makes
   * the rename durable.
   */
  public static void rename(Path from, Path to) throws IOException {
    rename(FileIo.SYSTEM, from, to);
  }

  /** {@link #rename(Path, Path)} through {@code io}. */
  public static void rename(FileIo io, Path from, Path to) throws IOException {
    io.move(from, to);
    io.fsyncDirectory(to.toAbsolutePath().getParent());
  }

  /** The file {@link #probe} writes. */
  public static final String PROBE_FILE = ".disk-check";

  /**
   * Checks that {@code dir} takes a durable write again: writes a page to {@value #PROBE_FILE}
   * (temp file, fsync, rename, folder fsync), then deletes it. A sink that faulted on a full disk
   * or an I/O error calls this before it resumes, so that it does not report itself healthy between
   * two failed attempts.
   */
  public static void probe(FileIo io, Path dir) throws IOException {
    Path probe = dir.resolve(PROBE_FILE);
    write(io, probe, new byte[4096]);
    Files.deleteIfExists(probe);
  }

  /** Makes creations, renames and deletions in {@code dir} durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    FileIo.SYSTEM.fsyncDirectory(dir);
  }
}
