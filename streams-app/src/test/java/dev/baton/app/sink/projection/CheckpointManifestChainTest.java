package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.sink.projection.checkpoint.CheckpointException;
import dev.baton.app.sink.projection.checkpoint.CheckpointManifest;
import dev.baton.app.sink.projection.checkpoint.CheckpointRestore;
import dev.baton.app.sink.projection.checkpoint.CheckpointStore;
import dev.baton.sdk.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Manifests are part of the checksum chain: any edit of any field is refused before a restore. */
class CheckpointManifestChainTest {
  @TempDir Path dir;
  private CheckpointStore store;
  private CheckpointManifest full;
  private CheckpointManifest incremental;

  @BeforeEach
  void twoCheckpoints() throws Exception {
    try (ProjectionDatabase db = ProjectionDatabase.open("jdbc:sqlite:" + dir.resolve("p.db"))) {
      db.writer()
          .apply(
              List.of(Rows.task("a", 1, 0, 815), Rows.lock("default", "src/A.java", 1, 1, 1, 3)),
              "baton.events",
              Map.of(0, 816L, 1, 4L));
      store = new CheckpointStore(dir.resolve("checkpoints"));
      full = store.create(db, true);
      db.writer().apply(List.of(Rows.task("a", 2, 0, 816)), "baton.events", Map.of(0, 817L));
      incremental = store.create(db, false);
    }
  }

  private Path manifestFile(CheckpointManifest m) {
    return store.dir().resolve(m.id() + CheckpointManifest.MANIFEST_SUFFIX);
  }

  /** Every field of a manifest, named by its JSON path. */
  static Stream<String> fields() {
    return Stream.of(
        "format",
        "id",
        "kind",
        "parent",
        "createdAt",
        "topic",
        "offsets.0",
        "offsets.1",
        "rows.task",
        "rows.lock",
        "rows.decision",
        "dataFile",
        "dataBytes",
        "sha256",
        "parentSha256",
        "manifestSha256");
  }

  /** One character of the field's value changed: a digit or letter flipped, as a bit flip would. */
  private static JsonNode flipped(JsonNode value) {
    if (value.isNumber()) {
      return Json.mapper().getNodeFactory().numberNode(value.asLong() + 100);
    }
    String text = value.asText();
    int at = text.length() / 2;
    char c = text.charAt(at);
    char other = Character.isDigit(c) ? (char) ('0' + (c - '0' + 1) % 10) : (c == 'a' ? 'b' : 'a');
    return Json.mapper()
        .getNodeFactory()
        .textNode(text.substring(0, at) + other + text.substring(at + 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void shouldRefuseAnEditOfAnyManifestField(String field) throws Exception {
    Path file = manifestFile(incremental);
    ObjectNode manifest = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(file));
    String[] path = field.split("\\.");
    ObjectNode holder = path.length == 1 ? manifest : (ObjectNode) manifest.get(path[0]);
    String name = path[path.length - 1];
    assertThat(holder.get(name)).as(field).isNotNull();
    holder.set(name, flipped(holder.get(name)));
    Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));

    assertThatThrownBy(() -> store.verifiedChain(incremental.id()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(incremental.id());
    assertThatThrownBy(
            () ->
                CheckpointRestore.into(
                    store, incremental.id(), "jdbc:sqlite:" + dir.resolve("r.db"), false))
        .isInstanceOf(CheckpointException.class);
    CheckpointStore.Entry listed =
        store.list().stream()
            .filter(e -> e.id().equals(incremental.id()))
            .findFirst()
            .orElseThrow();
    assertThat(listed.ok()).isFalse();
    assertThat(listed.problem()).isNotBlank();
  }

  @Test
  void shouldRefuseTheTrialsOffsetFlipNamingTheChecksum() throws Exception {
    Path file = manifestFile(full);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).contains("\"0\" : 816");
    Files.writeString(file, text.replace("\"0\" : 816", "\"0\" : 916"));

    assertThatThrownBy(() -> store.verifiedChain(full.id()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("is damaged: its content hashes to");
  }

  @Test
  void shouldReportAChildWhoseParentIsMissingAsBrokenAndRefuseIt() throws Exception {
    Files.delete(manifestFile(full));

    CheckpointStore.Entry child = store.list().get(0);
    assertThat(child.id()).isEqualTo(incremental.id());
    assertThat(child.ok()).isFalse();
    assertThat(child.problem()).contains("needs " + full.id()).contains("missing");
    assertThatThrownBy(() -> store.verifiedChain(incremental.id()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("needs " + full.id());
  }

  @Test
  void shouldRefuseAParentReplacedByAnotherValidManifest() throws Exception {
    // A parent re-sealed with another offset: valid on its own, but not the one the child named.
    CheckpointManifest forged =
        new CheckpointManifest(
                full.format(),
                full.id(),
                full.kind(),
                full.parent(),
                full.createdAt(),
                full.topic(),
                new java.util.TreeMap<>(Map.of(0, 900L, 1, 4L)),
                full.rows(),
                full.dataFile(),
                full.dataBytes(),
                full.sha256(),
                full.parentSha256(),
                null)
            .sealed();
    Files.write(manifestFile(full), Json.mapper().writeValueAsBytes(forged));

    assertThat(store.verifiedChain(full.id())).hasSize(1);
    assertThatThrownBy(() -> store.verifiedChain(incremental.id()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("the parent was replaced or edited");
  }

  @Test
  void shouldRefuseFormatOneClearly() throws Exception {
    Path file = manifestFile(full);
    ObjectNode manifest = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(file));
    manifest.put("format", CheckpointManifest.FORMAT_1);
    manifest.remove(List.of("parentSha256", "manifestSha256"));
    Files.write(file, Json.mapper().writeValueAsBytes(manifest));

    assertThatThrownBy(() -> store.manifest(full.id()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("baton-checkpoint/1")
        .hasMessageContaining("take a new checkpoint");
    assertThat(new ArrayList<>(store.list())).allMatch(e -> !e.ok());
  }
}
