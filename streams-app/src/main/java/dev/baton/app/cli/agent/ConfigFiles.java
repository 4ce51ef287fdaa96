package dev.baton.app.cli.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.io.DurableFiles;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the clients' configuration files for {@code baton agent setup}: JSON objects
 * merged, never clobbered; every write atomic (temp file, fsync, rename); each change reported as
 * one line.
 */
final class ConfigFiles {
  private final Path dir;
  private final List<String> changes = new ArrayList<>();

  ConfigFiles(Path dir) {
    this.dir = dir;
  }

  List<String> changes() {
    return changes;
  }

  void note(String change) {
    changes.add(change);
  }

  /** The JSON object in {@code relative}, or a new one when the file does not exist. */
  ObjectNode readObject(String relative) throws IOException {
    Path file = dir.resolve(relative);
    if (!Files.exists(file)) {
      return Json.mapper().createObjectNode();
    }
    JsonNode node;
    try {
      node = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IOException(
          relative + " is not valid JSON (" + e.getOriginalMessage() + "); fix it or move it away",
          e);
    }
    if (node == null || node.isMissingNode()) {
      return Json.mapper().createObjectNode();
    }
    if (!node.isObject()) {
      throw new IOException(relative + " does not hold a JSON object; left as it is");
    }
    return (ObjectNode) node;
  }

  void writeObject(String relative, ObjectNode node) throws IOException {
    write(
        relative,
        Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n",
        false);
  }

  String readText(String relative) throws IOException {
    Path file = dir.resolve(relative);
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
  }

  /**
   * Writes {@code text} atomically and durably; {@code executable} then sets rwxr-xr-x where POSIX
   * allows.
   */
  void write(String relative, String text, boolean executable) throws IOException {
    Path file = dir.resolve(relative);
    DurableFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    if (executable) {
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the script is run through bash by the hook command.
      }
    }
  }

  /** A template shipped in the jar ({@code /agent/<name>}) with {@code @SERVER@} filled in. */
  static String template(String name, String server) throws IOException {
    try (InputStream in = ConfigFiles.class.getResourceAsStream("/agent/" + name)) {
      if (in == null) {
        throw new IOException("the template " + name + " is missing from this build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@SERVER@", server);
    }
  }

  /** Writes a shipped file unless it is already there as shipped; reports what it did. */
  void ensureFile(String relative, String content, boolean executable) throws IOException {
    String existing = readText(relative);
    if (content.equals(existing)) {
      note("unchanged " + relative);
      return;
    }
    write(relative, content, executable);
    note((existing == null ? "created " : "updated ") + relative);
  }
}
