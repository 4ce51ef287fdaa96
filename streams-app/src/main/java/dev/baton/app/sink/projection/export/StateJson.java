package dev.baton.app.sink.projection.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.app.io.DurableFiles;
import dev.baton.app.io.FileIo;
import dev.baton.app.io.FixedWidthTimes;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
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
 *  "tasks": [ Task, ... ],             in (workspace, id) order, as the HTTP API shows them
 *  "locks": [ LockState, ... ]}        in key order
 * </pre>
 *
 * Compact (one line) by default, indented with {@code baton.export.state.pretty}. Times have a
 * fixed width ({@link FixedWidthTimes}).
 */
public final class StateJson {
  public static final String FORMAT = "baton-state/1";

  private StateJson() {}

  private static final ObjectMapper MAPPER = FixedWidthTimes.on(Json.mapper());

  /** Replaces {@code target} with the projection's current tasks and locks, compact. */
  public static void write(ProjectionDatabase db, Path target) throws Exception {
    write(db, target, false);
  }

  /** Replaces {@code target} with the projection's current tasks and locks. */
  public static void write(ProjectionDatabase db, Path target, boolean pretty) throws Exception {
    write(db, target, pretty, FileIo.SYSTEM);
  }

  /** {@link #write(ProjectionDatabase, Path, boolean)} through {@code io}. */
  public static void write(ProjectionDatabase db, Path target, boolean pretty, FileIo io)
      throws Exception {
    try (ProjectionReader reader = db.snapshot()) {
      List<String> topics = reader.topics();
      String topic = topics.isEmpty() ? null : topics.get(0);
      Map<Integer, Long> offsets = topic == null ? Map.of() : reader.offsets(topic);
      DurableFiles.write(
          io,
          target,
          out -> {
            try (JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
              if (pretty) {
                g.useDefaultPrettyPrinter();
              }
              g.writeStartObject();
              g.writeStringField("format", FORMAT);
              g.writeStringField("generatedAt", FixedWidthTimes.format(Instant.now()));
              g.writeStringField("topic", topic);
              g.writeObjectFieldStart("offsets");
              for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
                g.writeNumberField(String.valueOf(e.getKey()), e.getValue());
              }
              g.writeEndObject();
              writeRows(g, reader, "tasks", RowKind.TASK, Task.class);
              writeRows(g, reader, "locks", RowKind.LOCK, LockState.class);
              g.writeEndObject();
            }
          });
    }
  }

  private static void writeRows(
      JsonGenerator g, ProjectionReader reader, String field, RowKind kind, Class<?> type)
      throws IOException {
    g.writeArrayFieldStart(field);
    try {
      // Bound to the protocol's type and written again, so that times have a fixed width.
      reader.forEach(kind, row -> MAPPER.writeValue(g, MAPPER.treeToValue(row.data(), type)));
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot read " + kind.table() + " from the projection", e);
    }
    g.writeEndArray();
  }
}
