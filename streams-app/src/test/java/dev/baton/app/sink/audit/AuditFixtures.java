package dev.baton.app.sink.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Events, settings and folders for audit tests that need no Kafka. */
final class AuditFixtures {
  /** 2026-11-27T22:00:00Z. */
  static final long T0 = Instant.parse("2026-11-27T22:00:00Z").toEpochMilli();

  private AuditFixtures() {}

  static AuditSinkSettings settings(Path dir) {
    return settings(dir, new AuditSinkSettings.Rotation(50L << 20, Duration.ofHours(24), 60_000));
  }

  static AuditSinkSettings settings(Path dir, AuditSinkSettings.Rotation rotation) {
    return settings(dir, rotation, Duration.ofSeconds(1), 1 << 20);
  }

  static AuditSinkSettings settings(
      Path dir, AuditSinkSettings.Rotation rotation, Duration fsyncInterval, long fsyncBytes) {
    return new AuditSinkSettings(
        dir,
        "unused:9092",
        "baton.events",
        "audit-test",
        null,
        rotation,
        fsyncInterval,
        fsyncBytes,
        false,
        new AuditSinkSettings.Retention(-1, -1),
        Map.of());
  }

  static AuditSinkSettings compressed(AuditSinkSettings s) {
    return new AuditSinkSettings(
        s.dir(),
        s.bootstrapServers(),
        s.topic(),
        s.groupId(),
        s.groupInstanceId(),
        s.rotation(),
        s.fsyncInterval(),
        s.fsyncBytes(),
        true,
        s.retention(),
        s.kafkaSecurity());
  }

  static AuditSinkSettings withRetention(AuditSinkSettings s, long maxAgeMs, long maxBytes) {
    return new AuditSinkSettings(
        s.dir(),
        s.bootstrapServers(),
        s.topic(),
        s.groupId(),
        s.groupInstanceId(),
        s.rotation(),
        s.fsyncInterval(),
        s.fsyncBytes(),
        s.compress(),
        new AuditSinkSettings.Retention(maxAgeMs, maxBytes),
        s.kafkaSecurity());
  }

  static Task task(String id, long version, String title, TaskStatus status, String assignee) {
    Instant at = Instant.ofEpochMilli(T0 + version);
    return new Task(
        id,
        "default",
        title,
        null,
        status,
        assignee,
        null,
        List.of(),
        List.of(),
        null,
        version,
        "alice",
        at,
        "alice",
        at,
        Map.of("title", 1L));
  }

  static byte[] taskEvent(Task task, EventType type, String agent) {
    return event(
        new Event(
            task.id() + ":" + task.version(),
            type,
            "default/task/" + task.id(),
            task.version(),
            agent,
            "cmd-" + task.id() + "-" + task.version(),
            task.updatedAt(),
            Json.mapper().valueToTree(task)));
  }

  static LockState lock(String resource, long version, String holder) {
    Instant at = Instant.ofEpochMilli(T0 + version);
    List<LockState.Holder> holders =
        holder == null
            ? List.of()
            : List.of(
                new LockState.Holder(
                    holder,
                    "req-" + version,
                    LockMode.EXCLUSIVE,
                    version,
                    30_000,
                    at,
                    at.plusSeconds(30)));
    String key = resource.startsWith("task/") ? "default/" + resource : "default/lock/" + resource;
    return new LockState(
        resource, "default", key, holders, List.of(), version, version, at, List.of());
  }

  static byte[] lockEvent(LockState lock, EventType type, String agent) {
    return event(
        new Event(
            "lock-" + lock.version(),
            type,
            lock.key(),
            lock.version(),
            agent,
            "cmd-lock-" + lock.version(),
            lock.updatedAt(),
            Json.mapper().valueToTree(lock)));
  }

  static byte[] event(Event event) {
    try {
      return Json.mapper().writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A simple event for bulk tests: a task.updated of {@code key} at {@code ts}. */
  static byte[] simpleEvent(String key, long version, String agent, long ts) {
    JsonNode data = Json.mapper().createObjectNode().put("n", version);
    return event(
        new Event(
            key + ":" + version,
            EventType.TASK_UPDATED,
            key,
            version,
            agent,
            "c" + version,
            Instant.ofEpochMilli(ts),
            data));
  }

  static byte[] agentEvent(String agent, long ts) {
    JsonNode data = Json.mapper().createObjectNode().put("name", "ping").put("agent", agent);
    return event(
        new Event(
            "ping-" + ts,
            EventType.AGENT_EVENT,
            "default/agent/" + agent,
            null,
            agent,
            "c-ping",
            Instant.ofEpochMilli(ts),
            data));
  }

  /**
   * Writes {@code count} lines to partition {@code p} with offsets 0, 2, 4 ... (gaps as markers).
   */
  static List<Long> writeLines(AuditSinkSettings settings, int p, int count, AtomicLong clock)
      throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (PartitionLog log = PartitionLog.open(p, settings, clock::get)) {
      for (int i = 0; i < count; i++) {
        long offset = 2L * i;
        log.append(
            offset,
            clock.get(),
            "default/task/t" + (i % 7),
            simpleEvent("default/task/t" + (i % 7), i + 1, "agent-" + (i % 3), clock.get()));
        offsets.add(offset);
        clock.addAndGet(10);
      }
    }
    return offsets;
  }

  static List<Path> files(Path partitionDir) {
    try (var s = Files.list(partitionDir)) {
      return s.filter(f -> Segment.of(0, f).isPresent()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every line of a partition, in order, with the scanner's verdict. */
  static List<PartitionScanner.Item> scan(Path dir, int partition) {
    List<PartitionScanner.Item> items = new ArrayList<>();
    try (PartitionScanner s = new PartitionScanner(new AuditDirectory(dir), partition)) {
      PartitionScanner.Item item;
      while ((item = s.next()) != null) {
        items.add(item);
      }
    }
    return items;
  }
}
