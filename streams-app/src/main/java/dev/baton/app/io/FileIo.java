package dev.baton.app.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Locale;
import java.util.Set;

/**
 * The calls through which the sinks make data durable: open a file channel (whose {@code write},
 * {@code truncate} and {@code force} then carry the data), rename atomically, fsync a directory.
 * {@link #SYSTEM} is the file system; tests pass an implementation that fails these calls the way a
 * full disk ({@code ENOSPC}) or a failing device ({@code EIO}, a failed fsync) does, so that the
 * sinks' handling of disk faults can be tested deterministically.
 */
public interface FileIo {

  /** The real file system. */
  FileIo SYSTEM = new FileIo() {};

  /** Opens a channel on {@code path}, as {@link FileChannel#open(Path, Set, FileAttribute[])}. */
  default FileChannel open(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
      throws IOException {
    return FileChannel.open(path, options, attributes);
  }

  /** Opens a channel on {@code path} with {@code options}. */
  default FileChannel open(Path path, OpenOption... options) throws IOException {
    return open(path, Set.of(options));
  }

  /** Renames {@code from} to {@code to} atomically, replacing {@code to}; not yet durable. */
  default void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Makes creations, renames and deletions in {@code dir} durable. */
  default void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for fsync; the rename itself is still atomic.
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }
}
