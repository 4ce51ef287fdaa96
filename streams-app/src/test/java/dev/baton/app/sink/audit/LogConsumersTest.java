package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.sink.projection.EventRows;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.app.sink.projection.export.StateJson;
import dev.baton.app.topology.CommandFixtures;
import dev.baton.app.topology.TopologyHarness;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every consumer of the log (audit recover, the projection, state.json) applies every event type
 * the way the topology does: a log holding every {@link EventType}, time travel included, is
 * replayed by each and must equal the topology's own stores, which the HTTP API serves.
 */
class LogConsumersTest {
  private static final String WS = "default";
  private static final String FILE = "src/F.java";
  private static final String FILE_KEY = AggregateKeys.lock(WS, FILE);

  @TempDir Path dir;
  private TopologyHarness topology;
  private final List<Event> log = new ArrayList<>();
  private final Set<String> taskKeys = new TreeSet<>();

  @BeforeEach
  void start() {
    topology = new TopologyHarness(dir.resolve("streams"));
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  private TopologyHarness.Reply send(ObjectNode command) {
    JsonNode body = command.path("body");
    String key;
    if (body.has("resource")) {
      key = FILE_KEY;
    } else if (command.path("type").asText().equals("decision.record")) {
      key = AggregateKeys.decisions(WS);
    } else if (command.path("type").asText().equals("event.emit")) {
      key = AggregateKeys.agent(WS, command.path("agent").asText());
    } else if (body.has("lock")) {
      key = FILE_KEY;
    } else if (body.has("task")) {
      key = AggregateKeys.task(WS, body.path("task").path("id").asText());
    } else {
      key = CommandFixtures.keyOf(command);
    }
    ObjectNode routed = CommandFixtures.withReplyTo(command, 0);
    return keep(topology.send(key, CommandFixtures.bytes(routed)));
  }

  private TopologyHarness.Reply keep(TopologyHarness.Reply reply) {
    for (KeyValue<String, Event> kv : reply.events()) {
      log.add(kv.value);
      if (kv.value.type().wire().startsWith("task.")) {
        taskKeys.add(kv.key);
      }
    }
    return reply;
  }

  private static ObjectNode lock(String type, String agent, long leaseMs, long waitMs) {
    ObjectNode cmd = CommandFixtures.envelope(type, agent);
    ObjectNode body = cmd.putObject("body").put("resource", FILE);
    if (type.equals("lock.acquire")) {
      body.put("mode", "EXCLUSIVE").put("leaseMs", leaseMs).put("waitMs", waitMs);
    } else if (type.equals("lock.renew")) {
      body.put("leaseMs", leaseMs);
    }
    return cmd;
  }

  private static ObjectNode restore(Task task, LockState lock) {
    ObjectNode cmd = CommandFixtures.envelope("state.restore", "baton-admin");
    ObjectNode body = cmd.putObject("body").put("checkpoint", "20261127T220000.000Z-full");
    if (task != null) {
      body.set("task", Json.mapper().valueToTree(task));
    }
    if (lock != null) {
      body.set("lock", Json.mapper().valueToTree(lock));
    }
    return cmd;
  }

  private Task task(String id) {
    return topology.task(AggregateKeys.task(WS, id));
  }

  /** A log with every event type: task life, the whole lock life, decisions, time travel. */
  private void everyEventType() {
    send(CommandFixtures.createFull("alice", "t1", "before"));
    Task checkpointed = task("t1");
    send(
        CommandFixtures.update(
            "alice", "t1", null, CommandFixtures.patch("{\"title\":\"after\"}")));
    send(CommandFixtures.claim("alice", "t1"));
    send(CommandFixtures.transition("alice", "t1", "IN_PROGRESS"));
    send(CommandFixtures.create("bob", "t2", "untouched"));

    send(lock("lock.acquire", "alice", 60_000, 0));
    LockState checkpointedLock = topology.lock(FILE_KEY);
    send(lock("lock.acquire", "bob", 60_000, 400));
    keep(topology.advance(Duration.ofMillis(1_000))); // bob's wait runs out
    send(lock("lock.renew", "alice", 60_000, 0));
    send(lock("lock.acquire", "carol", 60_000, 60_000));
    send(lock("lock.cancel", "carol", 0, 0));
    send(lock("lock.release", "alice", 0, 0));
    send(lock("lock.acquire", "dave", 500, 0));
    keep(topology.advance(Duration.ofMillis(1_500))); // dave's lease runs out

    ObjectNode decision = CommandFixtures.envelope("decision.record", "alice");
    decision.putObject("body").put("title", "Use Kafka").put("decision", "Kafka it is");
    send(decision);
    send(CommandFixtures.emit("alice", "note"));
    keep(topology.send(AggregateKeys.task(WS, "t1"), "not json".getBytes()));

    send(restore(checkpointed, null));
    send(restore(null, checkpointedLock));
  }

  @Test
  void shouldCoverEveryEventTypeInTheScenario() {
    everyEventType();

    Set<EventType> seen = EnumSet.noneOf(EventType.class);
    log.forEach(e -> seen.add(e.type()));
    // A new event type fails here until the scenario (and so every consumer below) covers it.
    assertThat(seen).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(EventType.class));
  }

  @Test
  void auditRecoverShouldEqualTheTopologyAfterEveryEventType() throws Exception {
    everyEventType();

    AuditRecovery.State recovered = recover();

    assertThat(recovered.problems()).isZero();
    for (String key : taskKeys) {
      assertThat(recovered.tasks().get(key)).as(key).isEqualTo(topology.task(key));
    }
    assertThat(recovered.locks().get(FILE_KEY)).isEqualTo(topology.lock(FILE_KEY));
    assertThat(recovered.tasks().get(AggregateKeys.task(WS, "t1")).title()).isEqualTo("before");
  }

  @Test
  void projectionAndStateJsonShouldEqualTheTopologyAfterEveryEventType() throws Exception {
    everyEventType();
    ProjectionState projected = new ProjectionState();
    List<ProjectionRow> rows = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      EventRows.rowOf(log.get(i), 0, i).ifPresent(rows::add);
    }
    rows.forEach(projected::apply);

    for (String key : taskKeys) {
      JsonNode row = projected.rows().get(RowKind.TASK.wire() + ":" + key).data();
      assertThat(Json.mapper().treeToValue(row, Task.class)).as(key).isEqualTo(topology.task(key));
    }
    JsonNode lockRow = projected.rows().get(RowKind.LOCK.wire() + ":" + FILE_KEY).data();
    assertThat(Json.mapper().treeToValue(lockRow, LockState.class))
        .isEqualTo(topology.lock(FILE_KEY));

    String url = "jdbc:sqlite:" + dir.resolve("baton.db");
    try (ProjectionDatabase db = ProjectionDatabase.open(url)) {
      db.writer().apply(rows, "baton.events", Map.of(0, (long) log.size()));
      Path stateJson = dir.resolve("state.json");
      StateJson.write(db, stateJson);
      String text = Files.readString(stateJson);
      assertThat(text.strip()).as("compact by default").doesNotContain("\n");
      assertThat(text).contains("\"createdAt\":\"2025-01-01T00:00:00.000Z\"");
      JsonNode state = Json.mapper().readTree(text);
      Map<String, Task> tasks = new TreeMap<>();
      for (JsonNode t : state.path("tasks")) {
        Task task = Json.mapper().treeToValue(t, Task.class);
        tasks.put(AggregateKeys.task(task.workspace(), task.id()), task);
      }
      for (String key : taskKeys) {
        assertThat(tasks.get(key)).as(key).isEqualTo(topology.task(key));
      }
      assertThat(Json.mapper().treeToValue(state.path("locks").get(0), LockState.class))
          .isEqualTo(topology.lock(FILE_KEY));
    }
  }

  /** The reproduction of the trial: recover ignored time travel and said "after" at v2. */
  @Test
  void shouldRecoverTheStateACheckpointRestoreWentBackTo() throws Exception {
    send(CommandFixtures.create("alice", "rx", "before"));
    Task checkpointed = task("rx");
    send(
        CommandFixtures.update(
            "alice", "rx", null, CommandFixtures.patch("{\"title\":\"after\"}")));
    send(restore(checkpointed, null));
    assertThat(task("rx").title()).isEqualTo("before");
    assertThat(task("rx").version()).isEqualTo(3);

    Task recovered = recover().tasks().get(AggregateKeys.task(WS, "rx"));

    assertThat(recovered.title()).isEqualTo("before");
    assertThat(recovered.version()).isEqualTo(3);
    assertThat(recovered).isEqualTo(task("rx"));
  }

  private AuditRecovery.State recover() throws Exception {
    Path audit = dir.resolve("audit");
    AtomicLong clock = new AtomicLong(AuditFixtures.T0);
    try (PartitionLog partition = PartitionLog.open(0, AuditFixtures.settings(audit), clock::get)) {
      for (int i = 0; i < log.size(); i++) {
        Event e = log.get(i);
        partition.append(2L * i, clock.get(), e.key(), Json.mapper().writeValueAsBytes(e));
      }
    }
    List<PartitionScanner.Problem> problems = new ArrayList<>();
    AuditRecovery.State state =
        AuditRecovery.recover(
            new AuditDirectory(audit), AuditRecovery.State.EMPTY, AuditFilter.ALL, problems::add);
    assertThat(problems).isEmpty();
    return state;
  }
}
