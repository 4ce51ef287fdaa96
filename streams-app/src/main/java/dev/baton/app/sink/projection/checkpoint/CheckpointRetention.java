package dev.baton.app.sink.projection.checkpoint;

import dev.baton.app.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retires checkpoints: keeps the newest full ones and every checkpoint whose chain ends in one of
 * them, deleting a checkpoint's manifest before its data file (so a checkpoint is listed only while
 * it is whole), and removes data and temp files that interrupted writes left behind.
 */
final class CheckpointRetention {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointRetention.class);
  private static final Duration ORPHAN_AGE = Duration.ofHours(1);

  private final CheckpointStore store;
  private final Path dir;

  CheckpointRetention(CheckpointStore store) {
    this.store = store;
    this.dir = store.dir();
  }

  /**
   * Keeps the newest {@code keepFull} full checkpoints and every checkpoint whose chain ends in one
   * of them; deletes the rest (manifest first). Data files without a manifest older than an hour
   * are leftovers of interrupted writes and go too.
   *
   * @return the ids deleted
   */
  List<String> retain(int keepFull) throws IOException {
    List<CheckpointManifest> all = store.manifests();
    List<CheckpointManifest> fulls =
        all.stream()
            .filter(CheckpointManifest::isFull)
            .sorted(Comparator.comparing(CheckpointManifest::id).reversed())
            .toList();
    Set<String> keptRoots = new HashSet<>();
    fulls.stream().limit(keepFull).forEach(m -> keptRoots.add(m.id()));
    List<String> deleted = new ArrayList<>();
    if (fulls.size() <= keepFull) {
      deleteOrphans(all);
      return deleted;
    }
    for (CheckpointManifest m : all) {
      String root;
      try {
        root = store.chain(m.id()).get(0).id();
      } catch (CheckpointException e) {
        root = null;
      }
      boolean olderThanKept = m.id().compareTo(fulls.get(keepFull - 1).id()) < 0;
      if ((root == null && olderThanKept) || (root != null && !keptRoots.contains(root))) {
        Files.deleteIfExists(dir.resolve(m.id() + CheckpointManifest.MANIFEST_SUFFIX));
        DurableFiles.fsyncDirectory(dir);
        if (m.dataFile() != null && !m.dataFile().contains("/")) {
          Files.deleteIfExists(dir.resolve(m.dataFile()));
        }
        deleted.add(m.id());
      }
    }
    DurableFiles.fsyncDirectory(dir);
    deleteOrphans(store.manifests());
    if (!deleted.isEmpty()) {
      LOG.info("checkpoint retention deleted {}", deleted);
    }
    return deleted;
  }

  private void deleteOrphans(List<CheckpointManifest> listed) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Set<String> referenced = new HashSet<>();
    listed.forEach(m -> referenced.add(m.dataFile()));
    FileTime cutoff = FileTime.from(Instant.now().minus(ORPHAN_AGE));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        boolean leftover =
            (name.endsWith(CheckpointManifest.DATA_SUFFIX) && !referenced.contains(name))
                || name.endsWith(DurableFiles.TEMP_SUFFIX);
        if (leftover && Files.getLastModifiedTime(f).compareTo(cutoff) < 0) {
          Files.deleteIfExists(f);
        }
      }
    }
  }
}
