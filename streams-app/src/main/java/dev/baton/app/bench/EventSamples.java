package dev.baton.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Realistic {@code baton.events} records made up without running the topology: task events carrying
 * the whole task as the topology writes them, over a fixed set of {@code keys} tasks, so that state
 * rebuilt from any number of them has the same size.
 */
final class EventSamples {
  private final int keys;
  private final long[] versions;
  private final Instant start = Instant.parse("2026-11-27T22:00:00Z");

  EventSamples(int keys) {
    this.keys = keys;
    this.versions = new long[keys];
  }

  /** The aggregate key of the {@code n}-th event. */
  String key(long n) {
    return AggregateKeys.task(AggregateKeys.DEFAULT_WORKSPACE, taskId(n));
  }

  private String taskId(long n) {
    return "t-" + (n % keys);
  }

  /** The {@code n}-th event (call in order: versions count up per task). */
  byte[] event(long n) {
    Task task = nextTask(n);
    Event event =
        new Event(
            "c-" + Long.toHexString(n) + ":0",
            task.version() == 1 ? EventType.TASK_CREATED : EventType.TASK_UPDATED,
            key(n),
            task.version(),
            task.updatedBy(),
            "c-" + Long.toHexString(n),
            task.updatedAt(),
            new EventPayload.TaskChanged(task).toJson());
    try {
      return Json.mapper().writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The task of the {@code n}-th change, one version later than its previous change. */
  Task nextTask(long n) {
    int k = (int) (n % keys);
    long version = ++versions[k];
    Instant at = start.plusMillis(n);
    String agent = "agent-" + (n % 97);
    ObjectNode fields = Json.mapper().createObjectNode();
    fields.put("counter", version);
    fields.put("branch", "feature/bench-" + k);
    return new Task(
        taskId(n),
        AggregateKeys.DEFAULT_WORKSPACE,
        "Benchmark task " + k,
        "A task of the benchmark, updated again and again by agents.",
        version == 1 ? TaskStatus.OPEN : TaskStatus.IN_PROGRESS,
        version == 1 ? null : agent,
        k % 5,
        List.of("bench", "area-" + (k % 7)),
        List.of(),
        fields,
        version,
        "agent-" + (k % 97),
        start,
        agent,
        at,
        Map.of("fields.counter", version, "title", 1L));
  }
}
