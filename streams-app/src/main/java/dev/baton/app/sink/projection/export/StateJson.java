package dev.baton.app.sink.projection.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code state.json}: the current tasks and locks, from one snapshot of the projection,
 * replacing the file atomically.
 *
 * <h2>Format {@value #FORMAT}</h2>
 *
 * <pre>
 * {"format": "baton-state/1",
 *  "generatedAt": "2026-11-27T22:00:00.123Z",
 *  "topic": "baton.events",
 *  "offsets": {"0": 1042, "1": 977},   per partition, the next event not reflected
 *  "tasks": [ Task, ... ],             in (workspace, id) order, as events carry them
 *  "locks": [ LockState, ... ]}        in key order
 * </pre>
 */
public final class StateJson {
  public static final String FORMAT = "baton-state/1";

  private StateJson() {}

  /** Replaces {@code target} with the projection's current tasks and locks. */
  public static void write(ProjectionDatabase db, Path target) throws Exception {
    try (ProjectionReader reader = db.snapshot()) {
      List<String> topics = reader.topics();
      String topic = topics.isEmpty() ? null : topics.get(0);
      Map<Integer, Long> offsets = topic == null ? Map.of() : reader.offsets(topic);
      DurableFiles.write(
          target,
          out -> {
            try (JsonGenerator g =
                Json.mapper().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
              g.useDefaultPrettyPrinter();
              g.writeStartObject();
              g.writeStringField("format", FORMAT);
              g.writeStringField("generatedAt", Instant.now().toString());
              g.writeStringField("topic", topic);
              g.writeObjectFieldStart("offsets");
              for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
                g.writeNumberField(String.valueOf(e.getKey()), e.getValue());
              }
              g.writeEndObject();
              writeRows(g, reader, "tasks", RowKind.TASK);
              writeRows(g, reader, "locks", RowKind.LOCK);
              g.writeEndObject();
            }
          });
    }
  }

  private static void writeRows(
      JsonGenerator g, ProjectionReader reader, String field, RowKind kind) throws IOException {
    g.writeArrayFieldStart(field);
    try {
      reader.forEach(kind, row -> g.writeTree(row.data()));
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot read " + kind.table() + " from the projection", e);
    }
    g.writeEndArray();
  }
}
