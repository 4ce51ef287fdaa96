package dev.baton.app.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.io.DurableFiles;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a running node can be reached, recorded in {@code <data dir>/endpoints.json} so that the
 * verbs that work on a data directory ({@code verify}, {@code checkpoint restore --to-kafka},
 * {@code audit republish}) find the node's Kafka cluster and HTTP API without being told.
 *
 * <p>Written through {@link DurableFiles} once every part of the node runs, and deleted when the
 * node stops cleanly. After a crash the file stays until the next start replaces it; readers then
 * still use it (the cluster of a {@code baton serve} outlives the node) and say that its writer no
 * longer runs ({@link #writerAlive()}).
 *
 * <p>File format, version 1, one JSON object: {@code version} (1), {@code pid} of the node's
 * process, {@code bootstrapServers}, {@code http} (the API's base URL, {@code http://host:port}),
 * {@code topicPrefix}, {@code startedAt} (ISO-8601 UTC). Readers ignore fields they do not know and
 * refuse another version.
 */
public record NodeEndpoints(
    long pid, String bootstrapServers, String http, String topicPrefix, Instant startedAt) {
  /** The file in the data directory. */
  public static final String FILE = "endpoints.json";

  static final int VERSION = 1;

  /** The file of {@code dataDir}. */
  public static Path fileOf(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /** The endpoints of this process's node. */
  static NodeEndpoints ofThisProcess(String bootstrapServers, String http, String topicPrefix) {
    return new NodeEndpoints(
        ProcessHandle.current().pid(), bootstrapServers, http, topicPrefix, Instant.now());
  }

  /** Writes them durably to {@code dataDir}'s file, replacing an older one. */
  void write(Path dataDir) {
    var node = Json.mapper().createObjectNode();
    node.put("version", VERSION);
    node.put("pid", pid);
    node.put("bootstrapServers", bootstrapServers);
    node.put("http", http);
    node.put("topicPrefix", topicPrefix);
    node.put("startedAt", startedAt.toString());
    try {
      DurableFiles.write(fileOf(dataDir), Json.mapper().writeValueAsBytes(node));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + fileOf(dataDir), e);
    }
  }

  /** Deletes {@code dataDir}'s file if this process wrote it (a clean stop). */
  void deleteIfOurs(Path dataDir) throws IOException {
    Optional<NodeEndpoints> current = read(dataDir);
    if (current.isPresent() && current.get().pid() == pid) {
      Files.deleteIfExists(fileOf(dataDir));
      DurableFiles.fsyncDirectory(fileOf(dataDir).toAbsolutePath().getParent());
    }
  }

  /** Whether the process that wrote the file still runs (false after a crash). */
  public boolean writerAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * The endpoints recorded in {@code dataDir}, or empty when there is no file.
   *
   * @throws IllegalStateException naming the file when it is not in a format this version reads
   */
  public static Optional<NodeEndpoints> read(Path dataDir) {
    Path file = fileOf(dataDir);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode node = Json.mapper().readTree(Files.readAllBytes(file));
      if (node == null || node.path("version").asInt() != VERSION) {
        throw new IllegalStateException(
            file + " is not a version " + VERSION + " endpoints file; remove it or name the node");
      }
      return Optional.of(
          new NodeEndpoints(
              node.path("pid").asLong(),
              text(node, "bootstrapServers", file),
              text(node, "http", file),
              node.path("topicPrefix").asText(""),
              Instant.parse(text(node, "startedAt", file))));
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field, Path file) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalStateException(file + " has no text field " + field);
    }
    return value.asText();
  }
}
