package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.topology.CommandFixtures;
import dev.baton.app.topology.TopologyHarness;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin {@code state.restore} through the whole topology: versions and tokens only rise. */
class StateRestoreTopologyTest {
  private static final String TASK_KEY = AggregateKeys.task("default", "a");
  private static final String FILE_KEY = AggregateKeys.lock("default", "src/F.java");

  @TempDir Path dir;
  private TopologyHarness topology;

  @BeforeEach
  void start() {
    topology = new TopologyHarness(dir);
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  private TopologyHarness.Reply send(String key, ObjectNode command) {
    return topology.send(key, CommandFixtures.bytes(command));
  }

  private static ObjectNode lock(String type, String agent, String resource, long waitMs) {
    ObjectNode cmd = CommandFixtures.envelope(type, agent);
    ObjectNode body = cmd.putObject("body");
    body.put("resource", resource);
    if (type.equals("lock.acquire")) {
      body.put("mode", "EXCLUSIVE");
      body.put("leaseMs", 60_000);
      body.put("waitMs", waitMs);
    }
    return CommandFixtures.withReplyTo(cmd, 0);
  }

  private static ObjectNode restore(Task task, LockState lock) {
    ObjectNode cmd = CommandFixtures.envelope("state.restore", "baton-admin");
    ObjectNode body = cmd.putObject("body");
    body.put("checkpoint", "20261127T220000.000Z-full");
    if (task != null) {
      body.set("task", Json.mapper().valueToTree(task));
    }
    if (lock != null) {
      body.set("lock", Json.mapper().valueToTree(lock));
    }
    return cmd;
  }

  private static LockState lockOf(Event e) throws Exception {
    return Json.mapper().treeToValue(e.data(), LockState.class);
  }

  @Test
  void shouldRestoreTaskAtHigherVersionAndNeverLowerTheLockToken() throws Exception {
    Outcome created = send(TASK_KEY, CommandFixtures.create("alice", "a", "original")).outcome();
    Task checkpointTask = Json.mapper().treeToValue(created.state(), Task.class);
    send(
        TASK_KEY,
        CommandFixtures.update("alice", "a", 1L, CommandFixtures.patch("{\"title\":\"changed\"}")));
    Event firstGrant = send(TASK_KEY, lock("lock.acquire", "alice", "task/a", 0)).event();
    LockState checkpointLock = lockOf(firstGrant);
    send(TASK_KEY, lock("lock.release", "alice", "task/a", 0));
    Event secondGrant = send(TASK_KEY, lock("lock.acquire", "bob", "task/a", 0)).event();
    assertThat(lockOf(secondGrant).lastToken()).isEqualTo(2);

    TopologyHarness.Reply reply = send(TASK_KEY, restore(checkpointTask, checkpointLock));

    assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
    assertThat(reply.events())
        .extracting(kv -> kv.value.type())
        .containsExactly(EventType.STATE_RESTORED, EventType.STATE_RESTORED);
    Event taskEvent = reply.events().get(0).value;
    Event lockEvent = reply.events().get(1).value;
    assertThat(taskEvent.data().path("kind").asText()).isEqualTo("task");
    Task restored = topology.task(TASK_KEY);
    assertThat(restored.title()).isEqualTo("original");
    assertThat(restored.version()).isEqualTo(3);
    assertThat(taskEvent.version()).isEqualTo(3);
    assertThat(restored.fieldVersions()).allSatisfy((field, v) -> assertThat(v).isEqualTo(3));
    LockState restoredLock =
        Json.mapper().treeToValue(lockEvent.data().get("state"), LockState.class);
    assertThat(restoredLock.lastToken()).isEqualTo(2);
    assertThat(restoredLock.holders()).isEmpty();
    assertThat(restoredLock.version()).isEqualTo(lockOf(secondGrant).version() + 1);

    // A write based on a version before the restore conflicts; a new grant gets a higher token.
    Outcome stale =
        send(
                TASK_KEY,
                CommandFixtures.update(
                    "carol", "a", 2L, CommandFixtures.patch("{\"title\":\"stale\"}")))
            .outcome();
    assertThat(stale.code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
    Event thirdGrant = send(TASK_KEY, lock("lock.acquire", "carol", "task/a", 0)).event();
    assertThat(lockOf(thirdGrant).holders().get(0).token()).isEqualTo(3);

    // The projection applies the restored versions over what it had.
    ProjectionState projection = new ProjectionState();
    EventRows.rowOf(secondGrant, 0, 4).ifPresent(projection::apply);
    EventRows.rowOf(taskEvent, 0, 6).ifPresent(projection::apply);
    EventRows.rowOf(lockEvent, 0, 7).ifPresent(projection::apply);
    assertThat(projection.rows().get("task:" + TASK_KEY).data().path("title").asText())
        .isEqualTo("original");
    assertThat(projection.rows().get("lock:" + TASK_KEY).version())
        .isEqualTo(restoredLock.version());
  }

  @Test
  void shouldCancelLiveWaitersWhenALockIsRestoredFree() throws Exception {
    Event grant = send(FILE_KEY, lock("lock.acquire", "alice", "src/F.java", 0)).event();
    ObjectNode waiting = lock("lock.acquire", "bob", "src/F.java", 30_000);
    assertThat(send(FILE_KEY, waiting).outcome().status()).isEqualTo(OutcomeStatus.QUEUED);
    LockState free = LockState.empty("default", "src/F.java", FILE_KEY);

    TopologyHarness.Reply reply = send(FILE_KEY, restore(null, free));

    List<Outcome> outcomes = reply.outcomes().stream().map(kv -> kv.value).toList();
    assertThat(outcomes).extracting(Outcome::commandId).contains(waiting.get("id").asText());
    Outcome cancelled =
        outcomes.stream()
            .filter(o -> o.commandId().equals(waiting.get("id").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(cancelled.code()).isEqualTo(OutcomeCode.CANCELLED);
    LockState restored =
        Json.mapper().treeToValue(reply.event().data().get("state"), LockState.class);
    assertThat(restored.queue()).isEmpty();
    assertThat(restored.lastToken()).isEqualTo(lockOf(grant).lastToken());
  }

  @Test
  void shouldRejectARestoreWhoseLockIsNotTheTasksAndChangeNothing() {
    send(TASK_KEY, CommandFixtures.create("alice", "a", "original"));
    Task other = Rows.taskState("default", "a", 9, TaskStatus.DONE, List.of());
    LockState wrong = LockState.empty("default", "src/F.java", FILE_KEY);

    TopologyHarness.Reply reply = send(TASK_KEY, restore(other, wrong));

    assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
    assertThat(reply.events()).isEmpty();
    assertThat(topology.task(TASK_KEY).version()).isEqualTo(1);
  }
}
