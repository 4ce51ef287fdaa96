package dev.baton.app.sink.audit;

import dev.baton.app.io.ProcessFileLock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An OS file lock on {@code <partition>/.lock}: while a sink instance writes a partition, no other
 * instance sharing the folder does, even one that the group already gave the partition to while
 * this one has not noticed it lost it. The OS releases the lock when the process dies.
 */
final class PartitionLock implements AutoCloseable {
  static final String FILE_NAME = ".lock";

  private final ProcessFileLock lock;

  private PartitionLock(ProcessFileLock lock) {
    this.lock = lock;
  }

  /** The lock, or empty when another process (or another sink in this JVM) holds it. */
  static Optional<PartitionLock> tryAcquire(Path partitionDir) throws IOException {
    return ProcessFileLock.tryAcquire(partitionDir.resolve(FILE_NAME)).map(PartitionLock::new);
  }

  @Override
  public void close() throws IOException {
    lock.close();
  }
}
