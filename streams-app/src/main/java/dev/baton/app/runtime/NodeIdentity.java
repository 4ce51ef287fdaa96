package dev.baton.app.runtime;

import dev.baton.app.config.AppConfig;
import dev.baton.app.io.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A node's stable identity, {@value AppConfig#NODE_ID}: given in the configuration, or kept in
 * {@code <data dir>/node.id} and made there on the first start. It names the node's static
 * membership in its consumer groups, so a node restarted on the same data directory (after a {@code
 * kill -9} too) takes its old place in the group at once.
 *
 * <p>File format, version 1, UTF-8, two lines: {@code baton-node-id 1} and the id. Written once
 * through {@link DurableFiles}; a file in another format stops the start naming it rather than
 * being replaced (a new id would leave the old member holding partitions until its session ends).
 */
public final class NodeIdentity {
  /** The file in the data directory. */
  public static final String FILE = "node.id";

  private static final String HEADER = "baton-node-id 1";

  private NodeIdentity() {}

  /** {@code config} with {@value AppConfig#NODE_ID} set: its own, else the data directory's. */
  public static AppConfig resolve(AppConfig config) {
    if (!config.nodeId().isBlank()) {
      return config;
    }
    return config.with(AppConfig.NODE_ID, readOrCreate(config.dataDir().resolve(FILE)));
  }

  static String readOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return read(file);
      }
      String id = "baton-" + UUID.randomUUID().toString().substring(0, 13);
      DurableFiles.write(file, (HEADER + "\n" + id + "\n").getBytes(StandardCharsets.UTF_8));
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the node id in " + file, e);
    }
  }

  private static String read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.size() < 2
        || !HEADER.equals(lines.get(0))
        || !lines.get(1).matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalStateException(
          file
              + " is not a node id file (expected '"
              + HEADER
              + "' and an id on the next line); remove it to make a new id, or set "
              + AppConfig.NODE_ID);
    }
    return lines.get(1);
  }
}
