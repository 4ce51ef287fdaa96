package dev.baton.app.sink.audit;

import static dev.baton.app.sink.audit.AuditFixtures.T0;
import static dev.baton.app.sink.audit.AuditFixtures.agentEvent;
import static dev.baton.app.sink.audit.AuditFixtures.lock;
import static dev.baton.app.sink.audit.AuditFixtures.lockEvent;
import static dev.baton.app.sink.audit.AuditFixtures.settings;
import static dev.baton.app.sink.audit.AuditFixtures.simpleEvent;
import static dev.baton.app.sink.audit.AuditFixtures.task;
import static dev.baton.app.sink.audit.AuditFixtures.taskEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.CliRun;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code baton audit cat} and {@code recover} on folders written without Kafka. */
class AuditCliTest {
  @TempDir Path dir;

  private static AuditSinkSettings small(Path dir) {
    return settings(dir, new AuditSinkSettings.Rotation(1L << 30, Duration.ofDays(1), 4));
  }

  /**
   * Three partitions whose timestamps interleave: partition p holds events at T0 + 3i + p, so the
   * time order is p0, p1, p2, p0, p1, ... Offsets are 10 + 2i.
   */
  private void writeInterleaved(AuditSinkSettings s, int perPartition) throws IOException {
    for (int p = 0; p < 3; p++) {
      AtomicLong clock = new AtomicLong();
      try (PartitionLog log = PartitionLog.open(p, s, clock::get)) {
        for (int i = 0; i < perPartition; i++) {
          long ts = T0 + 3L * i + p;
          clock.set(ts);
          String key = "default/task/p" + p + "-" + (i % 2);
          log.append(
              10 + 2L * i, ts, key, simpleEvent(key, i + 1, i % 2 == 0 ? "alice" : "bob", ts));
        }
      }
    }
  }

  private static List<JsonNode> jsonLines(String out) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(Json.mapper().readTree(line));
      }
    }
    return nodes;
  }

  @Nested
  class Cat {
    @Test
    void shouldMergePartitionsInTimeOrder() throws IOException {
      writeInterleaved(small(dir), 10);

      CliRun run = CliRun.of("audit", "cat", dir.toString());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      List<JsonNode> lines = jsonLines(run.out());
      assertThat(lines).hasSize(30);
      for (int i = 0; i < 30; i++) {
        assertThat(lines.get(i).get("ts").asLong()).isEqualTo(T0 + i);
        assertThat(lines.get(i).get("partition").asInt()).isEqualTo(i % 3);
      }
    }

    @Test
    void shouldFilterByKeyTypeAgentAndPartition() throws IOException {
      writeInterleaved(small(dir), 10);

      List<JsonNode> byKey =
          jsonLines(CliRun.of("audit", "cat", dir.toString(), "--key", "default/task/p1-0").out());
      List<JsonNode> byPrefix =
          jsonLines(CliRun.of("audit", "cat", dir.toString(), "--key", "default/task/p2*").out());
      List<JsonNode> byAgent =
          jsonLines(
              CliRun.of("audit", "cat", dir.toString(), "--agent", "bob", "--partition", "0")
                  .out());
      List<JsonNode> byType =
          jsonLines(CliRun.of("audit", "cat", dir.toString(), "--type", "task.created").out());

      assertThat(byKey)
          .hasSize(5)
          .allMatch(n -> n.at("/event/key").asText().equals("default/task/p1-0"));
      assertThat(byPrefix).hasSize(10).allMatch(n -> n.get("partition").asInt() == 2);
      assertThat(byAgent)
          .hasSize(5)
          .allMatch(
              n -> n.at("/event/agent").asText().equals("bob") && n.get("partition").asInt() == 0);
      assertThat(byType).isEmpty();
    }

    @Test
    void shouldFilterByTimeAndOffsetRanges() throws IOException {
      writeInterleaved(small(dir), 10);
      String since = Instant.ofEpochMilli(T0 + 6).toString();
      String until = Instant.ofEpochMilli(T0 + 12).toString();

      List<JsonNode> inTime =
          jsonLines(
              CliRun.of("audit", "cat", dir.toString(), "--since", since, "--until", until).out());
      List<JsonNode> inOffsets =
          jsonLines(
              CliRun.of("audit", "cat", dir.toString(), "--from-offset", "14", "--to-offset", "18")
                  .out());

      assertThat(inTime)
          .extracting(n -> n.get("ts").asLong())
          .containsExactly(T0 + 6, T0 + 7, T0 + 8, T0 + 9, T0 + 10, T0 + 11);
      assertThat(inOffsets)
          .hasSize(9)
          .allMatch(n -> n.get("offset").asLong() >= 14 && n.get("offset").asLong() <= 18);
    }

    @Test
    void shouldPrintOnlyTheLastEventsWithTail() throws IOException {
      writeInterleaved(small(dir), 10);

      List<JsonNode> tail =
          jsonLines(CliRun.of("audit", "cat", dir.toString(), "--tail", "4").out());

      assertThat(tail)
          .extracting(n -> n.get("ts").asLong())
          .containsExactly(T0 + 26, T0 + 27, T0 + 28, T0 + 29);
    }

    @Test
    void shouldReadCompressedSegmentsBackIdentically() throws IOException {
      writeInterleaved(small(dir.resolve("plain")), 9);
      writeInterleaved(AuditFixtures.compressed(small(dir.resolve("zstd"))), 9);
      assertThat(AuditFixtures.files(dir.resolve("zstd/0")))
          .allMatch(f -> f.toString().endsWith(".zst"));

      CliRun plain = CliRun.of("audit", "cat", dir.resolve("plain").toString());
      CliRun zstd = CliRun.of("audit", "cat", dir.resolve("zstd").toString());

      assertThat(zstd.exitCode()).isZero();
      assertThat(zstd.out()).isEqualTo(plain.out()).isNotBlank();
    }

    @Test
    void shouldUseTheDataDirWhenNoFolderIsGiven() throws IOException {
      writeInterleaved(small(dir.resolve("export/audit")), 2);

      CliRun run = CliRun.of("audit", "cat", "--data-dir", dir.toString(), "--format", "text");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out().split("\n")).hasSize(6);
      assertThat(run.out())
          .startsWith(
              "2026-11-27T22:00:00Z  p0@10  task.updated  " + "default/task/p0-0  v1  alice");
    }

    @Test
    void shouldSkipAndNameDamagedLinesAndExitOne() throws IOException {
      writeInterleaved(small(dir), 4);
      Path file = dir.resolve("1/00000000000000000010.jsonl");
      String content = Files.readString(file);
      Files.writeString(file, content.replaceFirst("bob", "eve"));

      CliRun run = CliRun.of("audit", "cat", dir.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(jsonLines(run.out())).hasSize(11);
      assertThat(run.err()).contains("skipped 1/00000000000000000010.jsonl:2: hash mismatch");
    }
  }

  @Nested
  class Recover {
    private void writeHistory() throws IOException {
      AtomicLong clock = new AtomicLong(T0);
      try (PartitionLog p0 = PartitionLog.open(0, small(dir), clock::get);
          PartitionLog p1 = PartitionLog.open(1, small(dir), clock::get)) {
        p0.append(
            0,
            T0,
            "default/task/a",
            taskEvent(task("a", 1, "A", TaskStatus.OPEN, null), EventType.TASK_CREATED, "alice"));
        p0.append(
            1,
            T0 + 1,
            "default/task/a",
            taskEvent(
                task("a", 2, "A2", TaskStatus.CLAIMED, "alice"), EventType.TASK_CLAIMED, "alice"));
        // A lock on task/a shares the task's key but has its own versions.
        p0.append(
            3,
            T0 + 2,
            "default/task/a",
            lockEvent(lock("task/a", 1, "alice"), EventType.LOCK_GRANTED, "alice"));
        p1.append(
            0,
            T0 + 3,
            "default/task/b",
            taskEvent(task("b", 1, "B", TaskStatus.OPEN, null), EventType.TASK_CREATED, "bob"));
        p1.append(
            1,
            T0 + 4,
            "default/lock/src/A.java",
            lockEvent(lock("src/A.java", 1, "bob"), EventType.LOCK_GRANTED, "bob"));
        p1.append(
            2,
            T0 + 5,
            "default/lock/src/A.java",
            lockEvent(lock("src/A.java", 2, null), EventType.LOCK_RELEASED, "bob"));
        // A replayed older version must not win.
        p1.append(
            3,
            T0 + 6,
            "default/task/b",
            taskEvent(task("b", 1, "stale", TaskStatus.OPEN, null), EventType.TASK_CREATED, "bob"));
        p1.append(
            4,
            T0 + 7,
            "default/task/b",
            taskEvent(
                task("b", 2, "B2", TaskStatus.IN_PROGRESS, "bob"),
                EventType.TASK_STATUS_CHANGED,
                "bob"));
        p0.append(5, T0 + 8, "default/agent/alice", agentEvent("alice", T0 + 8));
      }
    }

    @Test
    void shouldKeepTheNewestVersionOfEveryTaskAndLock() throws IOException {
      writeHistory();

      CliRun run = CliRun.of("audit", "recover", dir.toString());

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode state = Json.mapper().readTree(run.out());
      assertThat(state.get("tasks")).hasSize(2);
      assertThat(Json.mapper().treeToValue(state.at("/tasks/0"), Task.class))
          .isEqualTo(task("a", 2, "A2", TaskStatus.CLAIMED, "alice"));
      assertThat(Json.mapper().treeToValue(state.at("/tasks/1"), Task.class))
          .isEqualTo(task("b", 2, "B2", TaskStatus.IN_PROGRESS, "bob"));
      assertThat(state.get("locks")).hasSize(2);
      assertThat(state.at("/locks/0/key").asText()).isEqualTo("default/lock/src/A.java");
      assertThat(state.at("/locks/0/version").asLong()).isEqualTo(2);
      assertThat(state.at("/locks/0/holders")).isEmpty();
      assertThat(state.at("/locks/1/resource").asText()).isEqualTo("task/a");
      assertThat(state.at("/offsets/0").asLong()).isEqualTo(5);
      assertThat(state.at("/offsets/1").asLong()).isEqualTo(4);
      assertThat(state.get("events").asLong()).isEqualTo(9);
      assertThat(run.err()).contains("recovered 2 tasks and 2 locks from 9 events");
    }

    @Test
    void shouldContinueFromAPreviousResultToTheSameState() throws IOException {
      writeHistory();
      Path first = dir.resolve("first.json"); // not a partition folder: readers ignore it
      Path rest = dir.resolve("rest.json");

      CliRun partial =
          CliRun.of(
              "audit", "recover", dir.toString(), "--to-offset", "1", "--out", first.toString());
      CliRun continued =
          CliRun.of(
              "audit",
              "recover",
              dir.toString(),
              "--base",
              first.toString(),
              "--out",
              rest.toString());
      CliRun full = CliRun.of("audit", "recover", dir.toString());

      assertThat(partial.exitCode()).isZero();
      assertThat(Json.mapper().readTree(first.toFile()).get("tasks")).hasSize(2);
      assertThat(continued.exitCode()).isZero();
      assertThat(continued.err()).contains("from 5 events");
      assertThat(Json.mapper().readTree(rest.toFile()))
          .isEqualTo(Json.mapper().readTree(full.out()));
    }

    @Test
    void shouldReportIntactLinesWhoseEventCannotBeRead() throws IOException {
      writeHistory();
      AtomicLong clock = new AtomicLong(T0 + 100);
      try (PartitionLog p0 = PartitionLog.open(0, small(dir), clock::get)) {
        // Newest version of task a, but its status is not one Baton knows.
        p0.append(
            6,
            T0 + 9,
            "default/task/a",
            "{\"id\":\"x:0\",\"type\":\"task.updated\",\"key\":\"default/task/a\",\"version\":3,\"data\":{\"id\":\"a\",\"workspace\":\"default\",\"status\":\"NOT_A_STATUS\",\"version\":3}}"
                .getBytes(StandardCharsets.UTF_8));
        p0.append(
            7,
            T0 + 10,
            "default/task/c",
            "{\"type\":\"task.teleported\",\"key\":\"default/task/c\",\"data\":{\"version\":1}}"
                .getBytes(StandardCharsets.UTF_8));
        p0.append(
            8,
            T0 + 11,
            "default/task/d",
            "{\"type\":\"task.created\",\"key\":\"default/task/d\",\"data\":\"not a task\"}"
                .getBytes(StandardCharsets.UTF_8));
        // And a still newer one, unreadable too: recovery falls back past both.
        p0.append(
            9,
            T0 + 12,
            "default/task/a",
            "{\"id\":\"x:1\",\"type\":\"task.updated\",\"key\":\"default/task/a\",\"version\":4,\"data\":{\"id\":\"a\",\"workspace\":\"default\",\"priority\":\"high\",\"version\":4}}"
                .getBytes(StandardCharsets.UTF_8));
      }

      CliRun run = CliRun.of("audit", "recover", dir.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .contains("not applied: 0/")
          .contains("unknown event type \"task.teleported\"")
          .contains("the event's data is not an object")
          .contains("NOT_A_STATUS")
          .contains("\"high\"")
          .contains("4 damaged lines not applied");
      JsonNode state = Json.mapper().readTree(run.out());
      assertThat(state.get("problems").asLong()).isEqualTo(4);
      assertThat(state.get("events").asLong()).isEqualTo(9);
      assertThat(state.get("tasks")).as("task a keeps its newest readable version").hasSize(2);
      assertThat(Json.mapper().treeToValue(state.at("/tasks/0"), Task.class))
          .isEqualTo(task("a", 2, "A2", TaskStatus.CLAIMED, "alice"));
      assertThat(state.at("/tasks/1/id").asText()).isEqualTo("b");
    }

    @Test
    void shouldReportDamagedLinesWithTheirPlaceAndNotApplyThem() throws IOException {
      writeHistory();
      Path file = dir.resolve("1/00000000000000000004.jsonl");
      Files.writeString(file, Files.readString(file).replaceFirst("\"B2\"", "\"B3\""));

      CliRun run = CliRun.of("audit", "recover", dir.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("not applied: 1/00000000000000000004.jsonl:1: hash mismatch");
      assertThat(run.err()).contains("1 damaged lines not applied");
      JsonNode state = Json.mapper().readTree(run.out());
      assertThat(state.at("/tasks/1/title").asText()).isEqualTo("B");
      assertThat(state.get("problems").asLong()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"audit", "audit cat", "audit verify", "audit recover", "audit republish", "sink"})
  void shouldAnswerHelpOnEveryVerb(String verb) {
    List<String> args = new ArrayList<>(List.of(verb.split(" ")));
    args.add("--help");

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: baton " + verb);
  }

  /** Usage errors exit 2 under picocli's defaults (the root's exception mapper may differ). */
  @Test
  void shouldExitTwoOnBadUsageAndOneOnAMissingFolder() {
    assertThat(CliRun.withPicocliDefaults("audit", "cat", "--tail", "many").exitCode())
        .isEqualTo(2);
    CliRun badTime = CliRun.withPicocliDefaults("audit", "cat", "--since", "yesterday-ish");
    assertThat(badTime.exitCode()).isEqualTo(2);
    assertThat(badTime.err()).contains("'yesterday-ish' is not a time");
    assertThat(CliRun.of("audit", "cat", "--tail", "many").exitCode()).isNotZero();
    CliRun missing = CliRun.of("audit", "verify", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no audit folder at");
  }
}
