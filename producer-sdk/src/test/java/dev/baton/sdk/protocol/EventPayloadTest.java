package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.EventPayload.AgentEvent;
import dev.baton.sdk.protocol.EventPayload.CommandRejected;
import dev.baton.sdk.protocol.EventPayload.DecisionRecorded;
import dev.baton.sdk.protocol.EventPayload.ForcedRelease;
import dev.baton.sdk.protocol.EventPayload.LockChanged;
import dev.baton.sdk.protocol.EventPayload.LockRestored;
import dev.baton.sdk.protocol.EventPayload.TaskChanged;
import dev.baton.sdk.protocol.EventPayload.TaskRestored;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Typed event payloads write exactly the {@code data} documented in {@code docs/protocol.md} (the
 * bytes the hand-built objects wrote before them), and read back to the same record.
 */
class EventPayloadTest {
  private static final Instant AT = Instant.parse("2026-11-27T22:00:00.012Z");
  private static final Task TASK =
      new Task(
          "login",
          "default",
          "Fix login",
          null,
          TaskStatus.OPEN,
          null,
          2,
          List.of("auth"),
          List.of(),
          Json.mapper().createObjectNode().put("points", 3),
          1L,
          "alice",
          AT,
          "alice",
          AT,
          Map.of("title", 1L));
  private static final LockState LOCK =
      new LockState(
          "src/A.java",
          "default",
          "default/lock/src/A.java",
          List.of(
              new LockState.Holder(
                  "alice", "c1", LockMode.EXCLUSIVE, 4, 10_000, AT, AT.plusSeconds(10))),
          List.of(),
          4,
          7,
          AT,
          List.of());

  private static String bytes(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Event event(EventType type, EventPayload payload) {
    return new Event("c1:0", type, "k", 1L, "alice", "c1", AT, payload.toJson());
  }

  @Nested
  class Wire {

    @Test
    void shouldWriteTaskAndLockEventsAsTheAggregateItself() {
      assertThat(bytes(new TaskChanged(TASK))).isEqualTo(bytes(TASK));
      assertThat(bytes(new LockChanged(LOCK))).isEqualTo(bytes(LOCK));
      assertThat(new TaskChanged(TASK).toJson()).isEqualTo(Json.mapper().valueToTree(TASK));
    }

    @Test
    void shouldAddForcedToTheLockOfAForcedReleaseAndReadItBack() {
      // given
      LockChanged forced =
          new LockChanged(
              LOCK, new ForcedRelease("root", List.of(LOCK.holders().get(0)), "agent crashed"));

      // when
      JsonNode json = forced.toJson();

      // then: the lock's own fields, plus forced
      ObjectNode lockOnly = ((ObjectNode) json.deepCopy());
      lockOnly.remove("forced");
      assertThat(lockOnly).isEqualTo(Json.mapper().valueToTree(LOCK));
      assertThat(json.path("forced").path("by").asText()).isEqualTo("root");
      assertThat(json.path("forced").path("holders").get(0).path("token").asLong()).isEqualTo(4);
      assertThat(EventPayload.of(event(EventType.LOCK_RELEASED, forced))).isEqualTo(forced);
      assertThat(EventPayload.of(event(EventType.LOCK_RELEASED, new LockChanged(LOCK))))
          .isEqualTo(new LockChanged(LOCK));
    }

    @Test
    void shouldWriteTheDecisionItself() {
      Decision d =
          new Decision("default", 3, "t", null, "d", null, null, 1, null, "alice", "c1", AT);

      assertThat(bytes(new DecisionRecorded(d))).isEqualTo(bytes(d));
    }

    @Test
    void shouldWriteAgentEventFieldsInTheDocumentedOrder() {
      ObjectNode handBuilt = Json.mapper().createObjectNode();
      handBuilt.put("name", "tool.used");
      handBuilt.put("agent", "alice");
      handBuilt.put("taskId", "login");
      handBuilt.set("payload", Json.mapper().createObjectNode().put("tool", "grep"));

      AgentEvent typed =
          new AgentEvent(
              "tool.used", "alice", "login", Json.mapper().createObjectNode().put("tool", "grep"));

      assertThat(bytes(typed)).isEqualTo(bytes(handBuilt));
      assertThat(bytes(new AgentEvent("n", "a", null, Json.mapper().createObjectNode())))
          .isEqualTo("{\"name\":\"n\",\"agent\":\"a\",\"payload\":{}}");
    }

    @Test
    void shouldWriteRestoresAsKindCheckpointAndState() {
      ObjectNode handBuilt = Json.mapper().createObjectNode();
      handBuilt.put("kind", "task");
      handBuilt.put("checkpoint", "cp-1");
      handBuilt.set("state", Json.mapper().valueToTree(TASK));

      assertThat(bytes(new TaskRestored("cp-1", TASK))).isEqualTo(bytes(handBuilt));
      assertThat(bytes(new LockRestored(null, LOCK)))
          .isEqualTo("{\"kind\":\"lock\",\"state\":" + bytes(LOCK) + "}");
    }

    @Test
    void shouldWriteRejectionWithItsSource() {
      assertThat(bytes(new CommandRejected("not JSON", "baton.commands", 2, 17L)))
          .isEqualTo(
              "{\"reason\":\"not JSON\",\"topic\":\"baton.commands\",\"partition\":2,\"offset\":17}");
      assertThat(bytes(new CommandRejected("not JSON", null, null, null)))
          .isEqualTo("{\"reason\":\"not JSON\"}");
    }
  }

  @Nested
  class Reading {

    @Test
    void shouldReadEveryPayloadBackFromItsEvent() {
      Decision d =
          new Decision("default", 3, "t", null, "d", null, null, null, null, "alice", "c1", AT);
      JsonNode payload = Json.mapper().createObjectNode().put("x", 1);
      List<Map.Entry<EventType, EventPayload>> cases =
          List.of(
              Map.entry(EventType.TASK_UPDATED, new TaskChanged(TASK)),
              Map.entry(EventType.LOCK_EXPIRED, new LockChanged(LOCK)),
              Map.entry(EventType.DECISION_RECORDED, new DecisionRecorded(d)),
              Map.entry(EventType.AGENT_EVENT, new AgentEvent("n", "alice", "login", payload)),
              Map.entry(EventType.COMMAND_REJECTED, new CommandRejected("r", "t", 0, 5L)),
              Map.entry(EventType.STATE_RESTORED, new TaskRestored("cp", TASK)),
              Map.entry(EventType.STATE_RESTORED, new LockRestored("cp", LOCK)));

      for (Map.Entry<EventType, EventPayload> c : cases) {
        Event wire =
            JsonSerde.of(Event.class)
                .deserialize(
                    "t", JsonSerde.of(Event.class).serialize("t", event(c.getKey(), c.getValue())));
        assertThat(EventPayload.of(wire)).as(c.getKey().wire()).isEqualTo(c.getValue());
      }
    }

    @Test
    void shouldRefuseARestoreOfUnknownKind() {
      Event odd =
          new Event(
              "c1:0",
              EventType.STATE_RESTORED,
              "k",
              1L,
              "alice",
              "c1",
              AT,
              Json.mapper().createObjectNode().put("kind", "agent"));

      assertThatThrownBy(() -> EventPayload.of(odd))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("state.restored of unknown kind 'agent'");
    }
  }
}
