package dev.baton.app.sink.projection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Decision;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builders of realistic projection rows for tests. */
final class Rows {
  static final Instant T0 = Instant.parse("2026-11-27T22:00:00.012Z");

  private Rows() {}

  static Task taskState(
      String ws, String id, long version, TaskStatus status, List<String> labels) {
    ObjectNode fields = Json.mapper().createObjectNode();
    fields.put("component", "auth");
    fields.put("estimate", 3);
    return new Task(
        id,
        ws,
        "Task " + id + " v" + version,
        "Make " + id + " work end to end; version " + version,
        status,
        status == TaskStatus.OPEN ? null : "agent-" + (version % 7),
        (int) (version % 5),
        labels,
        List.of(),
        fields,
        version,
        "alice",
        T0,
        "bob",
        T0.plusSeconds(version),
        Map.of("title", version, "status", version));
  }

  static ProjectionRow task(
      String ws,
      String id,
      long version,
      TaskStatus status,
      List<String> labels,
      int partition,
      long offset) {
    return new ProjectionRow(
        RowKind.TASK,
        AggregateKeys.task(ws, id),
        version,
        partition,
        offset,
        Json.mapper().valueToTree(taskState(ws, id, version, status, labels)));
  }

  static ProjectionRow task(String id, long version, int partition, long offset) {
    return task("default", id, version, TaskStatus.OPEN, List.of("backend"), partition, offset);
  }

  static ProjectionRow lock(
      String ws, String resource, long version, long token, int partition, long offset) {
    String key = AggregateKeys.lock(ws, resource);
    List<LockState.Holder> holders =
        List.of(
            new LockState.Holder(
                "alice",
                "req-" + version,
                LockMode.EXCLUSIVE,
                token,
                30_000,
                T0,
                T0.plusSeconds(30)));
    LockState lock =
        new LockState(resource, ws, key, holders, List.of(), token, version, T0, List.of());
    return new ProjectionRow(
        RowKind.LOCK, key, version, partition, offset, Json.mapper().valueToTree(lock));
  }

  static ProjectionRow decision(
      String ws,
      int number,
      String title,
      String text,
      Integer supersedes,
      int partition,
      long offset) {
    Decision d =
        new Decision(
            ws,
            number,
            title,
            text,
            text,
            text,
            text,
            supersedes,
            "login",
            "carol",
            "cmd-" + number,
            T0.plusSeconds(number));
    return new ProjectionRow(
        RowKind.DECISION,
        EventRows.decisionKey(ws, number),
        number,
        partition,
        offset,
        Json.mapper().valueToTree(d));
  }

  /** The event that creates task {@code id} (version 1, open) in workspace {@code default}. */
  static Event taskCreated(String id) {
    return new Event(
        "e-" + id,
        EventType.TASK_CREATED,
        AggregateKeys.task("default", id),
        1L,
        "agent",
        "c-" + id,
        T0,
        task("default", id, 1, TaskStatus.OPEN, List.of(), 0, 0).data());
  }

  /** The projection's stored next offsets of {@code topic}; empty while it cannot be read. */
  static SortedMap<Integer, Long> offsets(String url, String topic) {
    try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(url);
        ProjectionReader reader = db.snapshot()) {
      return reader.offsets(topic);
    } catch (Exception e) {
      return new TreeMap<>();
    }
  }
}
