package dev.baton.app.sink.projection.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a checkpoint chain before anything is loaded: every manifest (its own checksum and its
 * link to its parent, by {@link CheckpointStore#chain}) and every data file's size and SHA-256. A
 * damaged checkpoint is named together with the newest good one to use instead.
 */
final class CheckpointVerifier {
  private final CheckpointStore store;
  private final Path dir;

  CheckpointVerifier(CheckpointStore store) {
    this.store = store;
    this.dir = store.dir();
  }

  /**
   * Checks the size and SHA-256 of every data file in the chain of {@code id} before anything is
   * loaded.
   *
   * @throws CheckpointException naming the damaged checkpoint and a good earlier one, if any
   */
  List<CheckpointManifest> verifiedChain(String id) {
    List<CheckpointManifest> chain = store.chain(id);
    for (CheckpointManifest m : chain) {
      String problem = checkData(m);
      if (problem != null) {
        throw new CheckpointException(
            "checkpoint "
                + m.id()
                + " is damaged: "
                + problem
                + (m.id().equals(id) ? "" : " (checkpoint " + id + " builds on it)")
                + "; "
                + suggestion(m.id()));
      }
    }
    return chain;
  }

  /** Why the data of {@code m} is not to be trusted, or null when its size and checksum match. */
  String checkData(CheckpointManifest m) {
    if (m.dataFile() == null
        || m.dataFile().contains("/")
        || m.dataFile().contains("\\")
        || m.sha256() == null) {
      return "the manifest names no usable data file or checksum";
    }
    Path data = dir.resolve(m.dataFile());
    if (!Files.isRegularFile(data)) {
      return "data file " + m.dataFile() + " is missing";
    }
    try {
      long size = Files.size(data);
      if (size != m.dataBytes()) {
        return "data file "
            + m.dataFile()
            + " is "
            + size
            + " bytes, the manifest says "
            + m.dataBytes();
      }
      MessageDigest sha = CheckpointData.sha256();
      try (InputStream in = Files.newInputStream(data)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          sha.update(buf, 0, n);
        }
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (!actual.equalsIgnoreCase(m.sha256())) {
        return "SHA-256 of " + m.dataFile() + " is " + actual + ", the manifest says " + m.sha256();
      }
      return null;
    } catch (IOException e) {
      return "cannot read " + m.dataFile() + ": " + e.getMessage();
    }
  }

  private String suggestion(String damagedId) {
    List<CheckpointManifest> older =
        store.manifests().stream().filter(m -> m.id().compareTo(damagedId) < 0).toList();
    for (int i = older.size() - 1; i >= 0; i--) {
      String candidate = older.get(i).id();
      try {
        List<CheckpointManifest> chain = store.chain(candidate);
        if (chain.stream().noneMatch(m -> m.id().equals(damagedId))
            && chain.stream().allMatch(m -> checkData(m) == null)) {
          return "use the previous good checkpoint " + candidate + " instead";
        }
      } catch (CheckpointException e) {
        // not usable either; look further back
      }
    }
    return "there is no earlier good checkpoint";
  }
}
