package dev.baton.app.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive OS lock on a file, held by one owner in one process: another process, or another
 * owner in this JVM, cannot take it until it is closed. The OS releases it when the process dies,
 * so a killed holder never leaves it behind. The file's content is irrelevant; it is created empty.
 */
public final class ProcessFileLock implements AutoCloseable {
  // POSIX locks belong to the process, not to a channel: a second channel on the same file in
  // this JVM would be granted the lock again, and closing it would drop the first one's. So the
  // JVM keeps the in-process half of the lock itself.
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ProcessFileLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock on {@code file}, or empty when another process or owner in this JVM holds it. */
  public static Optional<ProcessFileLock> tryAcquire(Path file) throws IOException {
    Path normalized = file.toAbsolutePath().normalize();
    if (!HELD_IN_THIS_JVM.add(normalized)) {
      return Optional.empty();
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(normalized, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        HELD_IN_THIS_JVM.remove(normalized);
        return Optional.empty();
      }
      return Optional.of(new ProcessFileLock(normalized, channel, lock));
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      HELD_IN_THIS_JVM.remove(normalized);
      throw e;
    }
  }

  /** The locked file. */
  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      HELD_IN_THIS_JVM.remove(file);
    }
  }
}
