package dev.baton.app.sink.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OS file lock on {@code <partition>/.lock}: while a sink instance writes a partition, no other
 * instance sharing the folder does, even one that the group already gave the partition to while
 * this one has not noticed it lost it. The OS releases the lock when the process dies.
 */
final class PartitionLock implements AutoCloseable {
  static final String FILE_NAME = ".lock";

  // POSIX locks belong to the process, not to a channel: a second channel on the same file in
  // this JVM would be granted the lock again, and closing it would drop the first one's. So the
  // JVM keeps the in-process half of the lock itself.
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private PartitionLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or empty when another process (or another sink in this JVM) holds it. */
  static Optional<PartitionLock> tryAcquire(Path partitionDir) throws IOException {
    Path file = partitionDir.resolve(FILE_NAME).toAbsolutePath().normalize();
    if (!HELD_IN_THIS_JVM.add(file)) {
      return Optional.empty();
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        HELD_IN_THIS_JVM.remove(file);
        return Optional.empty();
      }
      return Optional.of(new PartitionLock(file, channel, lock));
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      HELD_IN_THIS_JVM.remove(file);
      throw e;
    }
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
