package dev.baton.app.topology;

import static dev.baton.app.topology.CommandFixtures.claim;
import static dev.baton.app.topology.CommandFixtures.create;
import static dev.baton.app.topology.CommandFixtures.createFull;
import static dev.baton.app.topology.CommandFixtures.emit;
import static dev.baton.app.topology.CommandFixtures.patch;
import static dev.baton.app.topology.CommandFixtures.taskKey;
import static dev.baton.app.topology.CommandFixtures.transition;
import static dev.baton.app.topology.CommandFixtures.update;
import static dev.baton.app.topology.CommandFixtures.withExpectedVersion;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.topology.TopologyHarness.Reply;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The task rules end to end: raw command bytes in, outcomes and events out. */
class TaskTopologyTest {
  private static final String T1 = "T1";
  private static final String K1 = taskKey(T1);

  @TempDir Path stateDir;
  private TopologyHarness app;

  @BeforeEach
  void open() {
    app = new TopologyHarness(stateDir);
  }

  @AfterEach
  void close() {
    app.close();
  }

  /** Sends a command the test relies on and checks it was accepted. */
  private Outcome given(ObjectNode command) {
    Outcome outcome = app.send(command).outcome();
    assertThat(outcome.status())
        .as("given step %s: %s", command.get("type"), outcome.message())
        .isEqualTo(OutcomeStatus.ACCEPTED);
    return outcome;
  }

  /** Creates {@code taskId} as {@code alice}. */
  private void givenTask(String taskId) {
    given(create("alice", taskId, "Write the parser"));
  }

  /** Walks T1 from OPEN to {@code target} along allowed moves. */
  private void givenStatus(TaskStatus target) {
    for (TaskStatus step : pathTo(target)) {
      given(transition("alice", T1, step.name()));
    }
    assertThat(app.task(K1).status()).isEqualTo(target);
  }

  private static List<TaskStatus> pathTo(TaskStatus target) {
    return switch (target) {
      case OPEN -> List.of();
      case CLAIMED -> List.of(TaskStatus.CLAIMED);
      case IN_PROGRESS -> List.of(TaskStatus.IN_PROGRESS);
      case BLOCKED -> List.of(TaskStatus.BLOCKED);
      case REVIEW -> List.of(TaskStatus.IN_PROGRESS, TaskStatus.REVIEW);
      case DONE -> List.of(TaskStatus.IN_PROGRESS, TaskStatus.DONE);
      case FAILED -> List.of(TaskStatus.IN_PROGRESS, TaskStatus.FAILED);
      case CANCELLED -> List.of(TaskStatus.CANCELLED);
    };
  }

  @Nested
  class Create {

    @Test
    void shouldCreateOpenTaskAtVersionOneWithCreatedEvent() {
      // given
      ObjectNode command = create("alice", T1, "Write the parser");
      String commandId = command.get("id").asText();

      // when
      Reply reply = app.send(command);

      // then
      assertThat(reply.outcomes().get(0).key).isEqualTo(commandId);
      Outcome outcome = reply.outcome();
      assertThat(outcome.commandId()).isEqualTo(commandId);
      assertThat(outcome.commandType()).isEqualTo(CommandType.TASK_CREATE);
      assertThat(outcome.key()).isEqualTo(K1);
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.version()).isEqualTo(1L);
      assertThat(outcome.state().path("status").asText()).isEqualTo("OPEN");
      assertThat(outcome.at()).isEqualTo(TopologyHarness.START);

      assertThat(reply.events().get(0).key).isEqualTo(K1);
      Event event = reply.event();
      assertThat(event.type()).isEqualTo(EventType.TASK_CREATED);
      assertThat(event.key()).isEqualTo(K1);
      assertThat(event.version()).isEqualTo(1L);
      assertThat(event.agent()).isEqualTo("alice");
      assertThat(event.commandId()).isEqualTo(commandId);
      assertThat(event.id()).isEqualTo(commandId + ":0");
      assertThat(event.data().path("id").asText()).isEqualTo(T1);
      assertThat(event.data().path("title").asText()).isEqualTo("Write the parser");
      assertThat(event.data().path("status").asText()).isEqualTo("OPEN");
      assertThat(event.data().path("version").asLong()).isEqualTo(1L);
      assertThat(event.data().path("createdBy").asText()).isEqualTo("alice");
      assertThat(event.data().has("assignee")).isFalse();
    }

    @Test
    void shouldKeepEveryOptionalFieldOfTheCreate() {
      // given
      ObjectNode command = createFull("alice", T1, "Write the parser");

      // when
      Outcome outcome = app.send(command).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      Task task = app.task(K1);
      assertThat(task.id()).isEqualTo(T1);
      assertThat(task.workspace()).isEqualTo("default");
      assertThat(task.description()).isEqualTo("the description of T1");
      assertThat(task.priority()).isEqualTo(2);
      assertThat(task.labels()).containsExactly("backend", "p1");
      assertThat(task.dependsOn()).containsExactly("T0");
      assertThat(task.fields().path("estimate").asInt()).isEqualTo(3);
      assertThat(task.fields().path("component").asText()).isEqualTo("core");
      assertThat(task.createdBy()).isEqualTo("alice");
      assertThat(task.updatedBy()).isEqualTo("alice");
      assertThat(task.createdAt()).isEqualTo(TopologyHarness.START);
      assertThat(task.fieldVersions())
          .containsEntry("title", 1L)
          .containsEntry("fields.estimate", 1L)
          .containsEntry("fields.component", 1L);
    }

    @Test
    void shouldUseDefaultWorkspaceWhenCommandNamesNone() {
      // given
      ObjectNode command = create("alice", T1, "Write the parser");
      command.remove("workspace");

      // when
      Outcome outcome = app.send(command).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.key()).isEqualTo("default/task/T1");
      assertThat(app.task("default/task/T1").workspace()).isEqualTo("default");
    }

    @Test
    void shouldKeepTasksOfOtherWorkspacesApart() {
      // given
      givenTask(T1);
      ObjectNode other = create("bob", T1, "Another team's T1");
      other.put("workspace", "team-b");

      // when
      Reply reply = app.send("team-b/task/T1", CommandFixtures.bytes(other));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.OK);
      assertThat(reply.outcome().key()).isEqualTo("team-b/task/T1");
      assertThat(app.task("team-b/task/T1").title()).isEqualTo("Another team's T1");
      assertThat(app.task(K1).title()).isEqualTo("Write the parser");
    }

    @Test
    void shouldRejectSecondCreateOfSameTaskWithAlreadyExists() {
      // given
      givenTask(T1);

      // when
      Reply reply = app.send(create("bob", T1, "Someone else's idea"));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.ALREADY_EXISTS);
      assertThat(outcome.message()).contains(T1);
      assertThat(outcome.version()).isEqualTo(1L);
      assertThat(outcome.state().path("title").asText()).isEqualTo("Write the parser");
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).title()).isEqualTo("Write the parser");
      assertThat(app.task(K1).createdBy()).isEqualTo("alice");
    }
  }

  @Nested
  class Update {

    @Test
    void shouldApplyUpdateWithCurrentVersion() {
      // given
      givenTask(T1);

      // when
      Reply reply = app.send(update("bob", T1, 1L, patch("{\"title\": \"Write the lexer\"}")));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.version()).isEqualTo(2L);
      assertThat(outcome.state().path("title").asText()).isEqualTo("Write the lexer");
      Event event = reply.event();
      assertThat(event.type()).isEqualTo(EventType.TASK_UPDATED);
      assertThat(event.version()).isEqualTo(2L);
      assertThat(event.agent()).isEqualTo("bob");
      assertThat(event.data().path("title").asText()).isEqualTo("Write the lexer");
      assertThat(event.data().path("updatedBy").asText()).isEqualTo("bob");
      assertThat(event.data().path("createdBy").asText()).isEqualTo("alice");
      assertThat(app.task(K1).version()).isEqualTo(2L);
    }

    @Test
    void shouldApplyUpdateWithoutExpectedVersionAsLastWriterWins() {
      // given
      givenTask(T1);
      given(update("alice", T1, null, patch("{\"title\": \"A\"}")));

      // when
      Outcome outcome = app.send(update("bob", T1, null, patch("{\"title\": \"B\"}"))).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.version()).isEqualTo(3L);
      assertThat(app.task(K1).title()).isEqualTo("B");
    }

    @Test
    void shouldApplyEveryPatchableField() {
      // given
      givenTask(T1);
      ObjectNode patch =
          patch(
              "{\"title\": \"t\", \"description\": \"d\", \"priority\": 7,"
                  + " \"labels\": [\"x\"], \"dependsOn\": [\"T9\"], \"fields\": {\"k\": [1, 2]}}");

      // when
      Outcome outcome = app.send(update("bob", T1, 1L, patch)).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      Task task = app.task(K1);
      assertThat(task.title()).isEqualTo("t");
      assertThat(task.description()).isEqualTo("d");
      assertThat(task.priority()).isEqualTo(7);
      assertThat(task.labels()).containsExactly("x");
      assertThat(task.dependsOn()).containsExactly("T9");
      assertThat(task.fields().path("k").toString()).isEqualTo("[1,2]");
      assertThat(task.fieldVersions())
          .containsEntry("title", 2L)
          .containsEntry("description", 2L)
          .containsEntry("priority", 2L)
          .containsEntry("labels", 2L)
          .containsEntry("dependsOn", 2L)
          .containsEntry("fields.k", 2L);
    }

    @Test
    void shouldRejectStaleVersionWhenTouchedFieldChanged() {
      // given
      givenTask(T1);
      given(update("alice", T1, 1L, patch("{\"title\": \"Alice's title\"}")));

      // when
      Reply reply = app.send(update("bob", T1, 1L, patch("{\"title\": \"Bob's title\"}")));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(outcome.code().retriable()).isTrue();
      assertThat(outcome.message()).contains("title");
      assertThat(outcome.version()).isEqualTo(2L);
      assertThat(outcome.state()).isNotNull();
      assertThat(outcome.state().path("title").asText()).isEqualTo("Alice's title");
      assertThat(outcome.state().path("version").asLong()).isEqualTo(2L);
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).title()).isEqualTo("Alice's title");
      assertThat(app.task(K1).version()).isEqualTo(2L);
    }

    @Test
    void shouldMergeStaleWriteWhenTouchedFieldsAreUnchanged() {
      // given
      givenTask(T1);
      given(update("alice", T1, 1L, patch("{\"title\": \"Alice's title\"}")));

      // when
      Reply reply = app.send(update("bob", T1, 1L, patch("{\"description\": \"Bob's notes\"}")));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(outcome.version()).isEqualTo(3L);
      assertThat(reply.event().version()).isEqualTo(3L);
      Task task = app.task(K1);
      assertThat(task.title()).isEqualTo("Alice's title");
      assertThat(task.description()).isEqualTo("Bob's notes");
      assertThat(task.fieldVersions()).containsEntry("title", 2L).containsEntry("description", 3L);
    }

    @Test
    void shouldLandEditsOfTwoAgentsToDifferentKeysOfFields() {
      // given
      given(createFull("alice", T1, "Write the parser"));

      // when
      Outcome alice =
          app.send(update("alice", T1, 1L, patch("{\"fields\": {\"estimate\": 5}}"))).outcome();
      Outcome bob =
          app.send(update("bob", T1, 1L, patch("{\"fields\": {\"reviewer\": \"carol\"}}")))
              .outcome();

      // then
      assertThat(alice.code()).isEqualTo(OutcomeCode.OK);
      assertThat(bob.code()).isEqualTo(OutcomeCode.OK);
      assertThat(bob.version()).isEqualTo(3L);
      JsonNode fields = app.task(K1).fields();
      assertThat(fields.path("estimate").asInt()).isEqualTo(5);
      assertThat(fields.path("reviewer").asText()).isEqualTo("carol");
      assertThat(fields.path("component").asText()).isEqualTo("core");
    }

    @Test
    void shouldRejectStaleEditOfTheSameKeyOfFields() {
      // given
      given(createFull("alice", T1, "Write the parser"));
      given(update("alice", T1, 1L, patch("{\"fields\": {\"estimate\": 5}}")));

      // when
      Reply reply =
          app.send(update("bob", T1, 1L, patch("{\"fields\": {\"estimate\": 8, \"new\": 1}}")));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(outcome.message()).contains("fields.estimate");
      assertThat(outcome.state().path("fields").path("estimate").asInt()).isEqualTo(5);
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).fields().has("new")).isFalse();
    }

    @Test
    void shouldRemoveKeyOfFieldsPatchedWithNull() {
      // given
      given(createFull("alice", T1, "Write the parser"));

      // when
      Outcome outcome =
          app.send(update("bob", T1, 1L, patch("{\"fields\": {\"estimate\": null}}"))).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(app.task(K1).fields().has("estimate")).isFalse();
      assertThat(app.task(K1).fields().path("component").asText()).isEqualTo("core");
    }

    @Test
    void shouldMergeStaleTitleEditAfterClaimChangedOnlyStatusAndAssignee() {
      // given
      givenTask(T1);
      given(claim("alice", T1));

      // when
      Outcome outcome =
          app.send(update("bob", T1, 1L, patch("{\"title\": \"Bob's title\"}"))).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.version()).isEqualTo(3L);
      assertThat(app.task(K1).assignee()).isEqualTo("alice");
      assertThat(app.task(K1).status()).isEqualTo(TaskStatus.CLAIMED);
    }

    @Test
    void shouldRejectExpectedVersionAheadOfTask() {
      // given
      givenTask(T1);

      // when
      Reply reply = app.send(update("bob", T1, 5L, patch("{\"description\": \"d\"}")));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(outcome.message()).contains("5").contains("ahead");
      assertThat(outcome.version()).isEqualTo(1L);
      assertThat(outcome.state().path("version").asLong()).isEqualTo(1L);
      assertThat(reply.events()).isEmpty();
    }

    @Test
    void shouldRejectUpdateOfMissingTaskWithNotFound() {
      // when
      Reply reply = app.send(update("bob", T1, null, patch("{\"title\": \"x\"}")));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.NOT_FOUND);
      assertThat(outcome.message()).contains(T1);
      assertThat(outcome.version()).isNull();
      assertThat(outcome.state()).isNull();
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "assignee", "version", "createdBy", "fieldVersions", "titel"})
    void shouldRejectPatchOfFieldThatIsNotPatchable(String field) {
      // given
      givenTask(T1);
      ObjectNode patch = patch("{}");
      patch.put(field, "x");

      // when
      Reply reply = app.send(update("bob", T1, 1L, patch));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(outcome.message()).contains("'" + field + "'");
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).version()).isEqualTo(1L);
    }

    @Test
    void shouldPointPatchOfStatusToTransition() {
      // given
      givenTask(T1);

      // when
      Outcome outcome = app.send(update("bob", T1, 1L, patch("{\"status\": \"DONE\"}"))).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(outcome.message()).contains("task.transition");
    }

    @Test
    void shouldPointPatchOfAssigneeToClaim() {
      // given
      givenTask(T1);

      // when
      Outcome outcome = app.send(update("bob", T1, 1L, patch("{\"assignee\": \"bob\"}"))).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(outcome.message()).contains("task.claim");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"title\": 5}",
          "{\"title\": \"\"}",
          "{\"title\": null}",
          "{\"description\": 1}",
          "{\"priority\": \"5\"}",
          "{\"priority\": 1.5}",
          "{\"labels\": \"x\"}",
          "{\"labels\": [1]}",
          "{\"labels\": [\"a/b\"]}",
          "{\"dependsOn\": [\"..\"]}",
          "{\"fields\": [1]}",
          "{\"fields\": \"x\"}"
        })
    void shouldRejectWrongTypedPatchValueNamingTheField(String patchJson) {
      // given
      givenTask(T1);
      ObjectNode patch = patch(patchJson);
      String field = patch.fieldNames().next();

      // when
      Reply reply = app.send(update("bob", T1, 1L, patch));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(outcome.message()).contains(field);
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).version()).isEqualTo(1L);
    }

    @Test
    void shouldRejectEmptyPatch() {
      // given
      givenTask(T1);

      // when
      Outcome outcome = app.send(update("bob", T1, 1L, patch("{}"))).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(outcome.message()).contains("patch");
    }
  }

  @Nested
  class Claim {

    @Test
    void shouldClaimOpenTask() {
      // given
      givenTask(T1);

      // when
      Reply reply = app.send(claim("bob", T1));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.version()).isEqualTo(2L);
      assertThat(outcome.state().path("status").asText()).isEqualTo("CLAIMED");
      assertThat(outcome.state().path("assignee").asText()).isEqualTo("bob");
      Event event = reply.event();
      assertThat(event.type()).isEqualTo(EventType.TASK_CLAIMED);
      assertThat(event.version()).isEqualTo(2L);
      assertThat(event.agent()).isEqualTo("bob");
      assertThat(app.task(K1).status()).isEqualTo(TaskStatus.CLAIMED);
      assertThat(app.task(K1).assignee()).isEqualTo("bob");
    }

    @Test
    void shouldAcceptClaimBySameAgentWithoutEvent() {
      // given
      givenTask(T1);
      given(claim("bob", T1));

      // when
      Reply reply = app.send(claim("bob", T1));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.version()).isEqualTo(2L);
      assertThat(outcome.message()).contains("already claimed");
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).version()).isEqualTo(2L);
    }

    @Test
    void shouldRejectClaimByAnotherAgentWithAlreadyClaimed() {
      // given
      givenTask(T1);
      given(claim("bob", T1));

      // when
      Reply reply = app.send(claim("carol", T1));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.ALREADY_CLAIMED);
      assertThat(outcome.message()).contains("bob");
      assertThat(outcome.state().path("assignee").asText()).isEqualTo("bob");
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).assignee()).isEqualTo("bob");
    }

    @Test
    void shouldRejectClaimOfCancelledTaskWithInvalidTransition() {
      // given
      givenTask(T1);
      givenStatus(TaskStatus.CANCELLED);

      // when
      Reply reply = app.send(claim("bob", T1));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID_TRANSITION);
      assertThat(reply.outcome().message()).contains("CANCELLED");
      assertThat(reply.events()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob", "alice"})
    void shouldRejectClaimOfDoneTaskWithInvalidTransition(String claimer) {
      // given
      givenTask(T1);
      givenStatus(TaskStatus.DONE);

      // when
      Reply reply = app.send(claim(claimer, T1));

      // then
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID_TRANSITION);
      assertThat(reply.events()).isEmpty();
    }

    @Test
    void shouldClaimUnassignedBlockedTaskKeepingItsStatus() {
      // given
      givenTask(T1);
      givenStatus(TaskStatus.BLOCKED);

      // when
      Reply reply = app.send(claim("bob", T1));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.OK);
      assertThat(reply.event().type()).isEqualTo(EventType.TASK_CLAIMED);
      assertThat(app.task(K1).status()).isEqualTo(TaskStatus.BLOCKED);
      assertThat(app.task(K1).assignee()).isEqualTo("bob");
    }

    @Test
    void shouldRejectStaleClaimWhenStatusChangedSince() {
      // given
      givenTask(T1);
      givenStatus(TaskStatus.BLOCKED);

      // when
      Reply reply = app.send(withExpectedVersion(claim("bob", T1), 1L));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(reply.outcome().message()).contains("status");
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).assignee()).isNull();
    }

    @Test
    void shouldClaimWithStaleVersionWhenOnlyOtherFieldsChanged() {
      // given
      givenTask(T1);
      given(update("alice", T1, 1L, patch("{\"title\": \"new\"}")));

      // when
      Outcome outcome = app.send(withExpectedVersion(claim("bob", T1), 1L)).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(outcome.version()).isEqualTo(3L);
    }

    @Test
    void shouldRejectClaimOfMissingTaskWithNotFound() {
      // when
      Reply reply = app.send(claim("bob", T1));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
      assertThat(reply.events()).isEmpty();
    }
  }

  @Nested
  class Transition {

    /** The state machine of the {@link TaskStatus} javadoc, restated as the test's oracle. */
    private static final Map<TaskStatus, Set<TaskStatus>> ALLOWED =
        Map.of(
            TaskStatus.OPEN,
                EnumSet.of(
                    TaskStatus.CLAIMED,
                    TaskStatus.IN_PROGRESS,
                    TaskStatus.BLOCKED,
                    TaskStatus.CANCELLED),
            TaskStatus.CLAIMED,
                EnumSet.of(
                    TaskStatus.OPEN,
                    TaskStatus.IN_PROGRESS,
                    TaskStatus.BLOCKED,
                    TaskStatus.CANCELLED),
            TaskStatus.IN_PROGRESS,
                EnumSet.of(
                    TaskStatus.OPEN,
                    TaskStatus.BLOCKED,
                    TaskStatus.REVIEW,
                    TaskStatus.DONE,
                    TaskStatus.FAILED,
                    TaskStatus.CANCELLED),
            TaskStatus.BLOCKED,
                EnumSet.of(TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED),
            TaskStatus.REVIEW,
                EnumSet.of(TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.FAILED),
            TaskStatus.DONE, EnumSet.of(TaskStatus.OPEN),
            TaskStatus.FAILED, EnumSet.of(TaskStatus.OPEN),
            TaskStatus.CANCELLED, EnumSet.noneOf(TaskStatus.class));

    static Stream<Arguments> moves() {
      List<Arguments> out = new ArrayList<>();
      for (TaskStatus from : TaskStatus.values()) {
        for (TaskStatus to : TaskStatus.values()) {
          if (from != to) {
            out.add(Arguments.of(from, to));
          }
        }
      }
      return out.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("moves")
    void shouldFollowTheStateMachine(TaskStatus from, TaskStatus to) {
      // given
      givenTask(T1);
      givenStatus(from);
      long before = app.task(K1).version();

      // when
      Reply reply = app.send(transition("alice", T1, to.name()));

      // then
      Outcome outcome = reply.outcome();
      if (ALLOWED.get(from).contains(to)) {
        assertThat(outcome.code()).as(outcome.message()).isEqualTo(OutcomeCode.OK);
        assertThat(outcome.version()).isEqualTo(before + 1);
        assertThat(reply.event().type()).isEqualTo(EventType.TASK_STATUS_CHANGED);
        assertThat(reply.event().data().path("status").asText()).isEqualTo(to.name());
        assertThat(app.task(K1).status()).isEqualTo(to);
      } else {
        assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID_TRANSITION);
        assertThat(outcome.message()).contains(from.name()).contains(to.name());
        assertThat(outcome.version()).isEqualTo(before);
        assertThat(outcome.state().path("status").asText()).isEqualTo(from.name());
        assertThat(reply.events()).isEmpty();
        assertThat(app.task(K1).status()).isEqualTo(from);
      }
    }

    @Test
    void shouldAgreeWithTaskStatusJavadoc() {
      for (TaskStatus from : TaskStatus.values()) {
        assertThat(from.next()).as("moves from %s", from).isEqualTo(ALLOWED.get(from));
      }
    }

    @Test
    void shouldClearAssigneeOnTransitionToOpen() {
      // given
      givenTask(T1);
      given(claim("bob", T1));

      // when
      Reply reply = app.send(transition("bob", T1, "OPEN"));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.OK);
      assertThat(reply.event().data().has("assignee")).isFalse();
      assertThat(app.task(K1).assignee()).isNull();
      assertThat(app.task(K1).status()).isEqualTo(TaskStatus.OPEN);
      assertThat(app.task(K1).fieldVersions()).containsEntry("assignee", 3L);
    }

    @Test
    void shouldLetAnotherAgentClaimReopenedTask() {
      // given
      givenTask(T1);
      given(claim("bob", T1));
      given(transition("bob", T1, "OPEN"));

      // when
      Outcome outcome = app.send(claim("carol", T1)).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(app.task(K1).assignee()).isEqualTo("carol");
    }

    @Test
    void shouldAssignAgentWhoStartsUnassignedTask() {
      // given
      givenTask(T1);

      // when
      Outcome outcome = app.send(transition("bob", T1, "IN_PROGRESS")).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(app.task(K1).assignee()).isEqualTo("bob");
    }

    @Test
    void shouldKeepAssigneeWhenAnotherAgentMovesTaskOn() {
      // given
      givenTask(T1);
      given(claim("bob", T1));

      // when
      Outcome outcome = app.send(transition("carol", T1, "IN_PROGRESS")).outcome();

      // then
      assertThat(outcome.code()).isEqualTo(OutcomeCode.OK);
      assertThat(app.task(K1).assignee()).isEqualTo("bob");
      assertThat(app.task(K1).updatedBy()).isEqualTo("carol");
    }

    @Test
    void shouldAcceptTransitionToCurrentStatusWithoutEvent() {
      // given
      givenTask(T1);

      // when
      Reply reply = app.send(transition("bob", T1, "OPEN"));

      // then
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(reply.outcome().version()).isEqualTo(1L);
      assertThat(reply.events()).isEmpty();
    }

    @Test
    void shouldRejectStaleTransitionAfterStatusChanged() {
      // given
      givenTask(T1);
      given(claim("bob", T1));

      // when
      Reply reply = app.send(withExpectedVersion(transition("carol", T1, "CANCELLED"), 1L));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(reply.outcome().state().path("status").asText()).isEqualTo("CLAIMED");
      assertThat(reply.events()).isEmpty();
    }

    @Test
    void shouldRejectTransitionToUnknownStatusAsInvalid() {
      // given
      givenTask(T1);

      // when
      Reply reply = app.send(transition("bob", T1, "FINISHED"));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("to");
      assertThat(reply.events()).isEmpty();
    }

    @Test
    void shouldRejectTransitionOfMissingTaskWithNotFound() {
      // when
      Reply reply = app.send(transition("bob", T1, "DONE"));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
    }
  }

  @Nested
  class Retries {

    @Test
    void shouldAnswerRetryWithFirstOutcomeAsDuplicateAndChangeNothing() {
      // given
      ObjectNode command = create("alice", T1, "Write the parser");
      Outcome first = app.send(command).outcome();

      // when
      Reply retry = app.send(command);

      // then
      Outcome outcome = retry.outcome();
      assertThat(outcome.commandId()).isEqualTo(first.commandId());
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(outcome.originalStatus()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(outcome.isSuccess()).isTrue();
      assertThat(outcome.code()).isEqualTo(first.code());
      assertThat(outcome.version()).isEqualTo(first.version());
      assertThat(retry.events()).isEmpty();
      assertThat(app.task(K1).version()).isEqualTo(1L);
    }

    @Test
    void shouldNotApplyRetriedUpdateTwice() {
      // given
      givenTask(T1);
      ObjectNode command = update("bob", T1, null, patch("{\"title\": \"once\"}"));
      Outcome first = app.send(command).outcome();

      // when
      Reply retry = app.send(command);

      // then
      assertThat(first.version()).isEqualTo(2L);
      assertThat(retry.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(retry.outcome().version()).isEqualTo(2L);
      assertThat(retry.events()).isEmpty();
      assertThat(app.task(K1).version()).isEqualTo(2L);
    }

    @Test
    void shouldRepeatFirstRejectionEvenWhenRetryWouldNowSucceed() {
      // given
      ObjectNode command = update("bob", T1, null, patch("{\"title\": \"x\"}"));
      assertThat(app.send(command).outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
      givenTask(T1);

      // when
      Reply retry = app.send(command);

      // then
      assertThat(retry.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(retry.outcome().originalStatus()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(retry.outcome().isSuccess()).isFalse();
      assertThat(retry.outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
      assertThat(retry.events()).isEmpty();
      assertThat(app.task(K1).version()).isEqualTo(1L);
    }

    @Test
    void shouldRepeatFirstOutcomeForReusedIdWithDifferentBody() {
      // given
      ObjectNode first = create("alice", T1, "Write the parser");
      given(first);
      ObjectNode reuse = update("alice", T1, null, patch("{\"title\": \"changed\"}"));
      reuse.put("id", first.get("id").asText());

      // when
      Reply reply = app.send(reuse);

      // then
      assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(reply.outcome().commandType()).isEqualTo(CommandType.TASK_CREATE);
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).title()).isEqualTo("Write the parser");
    }

    @Test
    void shouldRememberFirstOutcomeUnderCommandId() {
      // given
      ObjectNode command = create("alice", T1, "Write the parser");

      // when
      Outcome outcome = app.send(command).outcome();

      // then
      assertThat(app.rememberedOutcome(command.get("id").asText())).isEqualTo(outcome);
    }

    @Test
    void shouldForgetCommandIdAfterDedupRetention() {
      // given
      ObjectNode command = create("alice", T1, "Write the parser");
      given(command);

      // when
      app.advanceWallClock(Duration.ofHours(25));
      Reply late = app.send(command);

      // then
      assertThat(app.rememberedOutcome(command.get("id").asText()))
          .extracting(Outcome::code)
          .isEqualTo(OutcomeCode.ALREADY_EXISTS);
      assertThat(late.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(late.outcome().code()).isEqualTo(OutcomeCode.ALREADY_EXISTS);
    }

    @Test
    void shouldStillAnswerRetryWithinDedupRetention() {
      // given
      ObjectNode command = create("alice", T1, "Write the parser");
      given(command);

      // when
      app.advanceWallClock(Duration.ofHours(23));
      Reply retry = app.send(command);

      // then
      assertThat(retry.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
    }
  }

  @Nested
  class Log {

    @Test
    void shouldAnswerEveryCommandWithExactlyOneOutcomeKeyedByItsId() {
      // given
      List<ObjectNode> commands =
          List.of(
              create("alice", T1, "one"),
              create("alice", T1, "again"),
              update("bob", T1, 1L, patch("{\"title\": \"two\"}")),
              update("bob", T1, 1L, patch("{\"title\": \"stale\"}")),
              update("bob", "T2", null, patch("{\"title\": \"missing\"}")),
              update("bob", T1, null, patch("{\"status\": \"DONE\"}")),
              claim("carol", T1),
              claim("carol", T1),
              claim("dave", T1),
              transition("carol", T1, "REVIEW"),
              transition("carol", T1, "IN_PROGRESS"),
              transition("carol", T1, "IN_PROGRESS"),
              transition("carol", T1, "DONE"),
              emit("carol", "tests.passed"));

      for (ObjectNode command : commands) {
        // when
        Reply reply =
            command.get("type").asText().equals("event.emit")
                ? app.send("default/agent/carol", CommandFixtures.bytes(command))
                : app.send(command);

        // then
        assertThat(reply.outcomes()).as("outcomes of %s", command).hasSize(1);
        assertThat(reply.outcomes().get(0).key).isEqualTo(command.get("id").asText());
        assertThat(reply.outcome().commandId()).isEqualTo(command.get("id").asText());
        assertThat(reply.events()).hasSizeLessThanOrEqualTo(1);
        if (!reply.events().isEmpty()) {
          assertThat(reply.outcome().isSuccess()).isTrue();
        }
      }
    }

    @Test
    void shouldRaiseEventVersionsByExactlyOnePerKey() {
      // given
      List<ObjectNode> commands =
          List.of(
              create("alice", T1, "one"),
              create("alice", "T2", "two"),
              update("bob", T1, 1L, patch("{\"title\": \"one'\"}")),
              update("bob", T1, 1L, patch("{\"title\": \"conflict\"}")),
              claim("bob", "T2"),
              claim("carol", "T2"),
              transition("bob", "T2", "IN_PROGRESS"),
              update("bob", T1, 1L, patch("{\"fields\": {\"a\": 1}}")),
              transition("bob", T1, "BLOCKED"),
              transition("bob", T1, "DONE"),
              transition("bob", "T2", "DONE"));
      List<KeyValue<String, Event>> events = new ArrayList<>();

      // when
      for (ObjectNode command : commands) {
        events.addAll(app.send(command).events());
      }

      // then
      Map<String, Long> last = new HashMap<>();
      Set<String> ids = new HashSet<>();
      for (KeyValue<String, Event> kv : events) {
        assertThat(kv.key).isEqualTo(kv.value.key());
        long expected = last.getOrDefault(kv.key, 0L) + 1;
        assertThat(kv.value.version()).as("version of %s", kv.value.id()).isEqualTo(expected);
        assertThat(kv.value.data().path("version").asLong()).isEqualTo(expected);
        assertThat(ids.add(kv.value.id())).as("event id %s unique", kv.value.id()).isTrue();
        last.put(kv.key, expected);
      }
      assertThat(last).containsEntry(K1, 4L).containsEntry(taskKey("T2"), 4L);
      assertThat(app.task(K1).version()).isEqualTo(4L);
      assertThat(app.task(taskKey("T2")).version()).isEqualTo(4L);
    }

    @Test
    void shouldRecordAgentEventWithoutTouchingTasks() {
      // given
      givenTask(T1);
      ObjectNode command = emit("carol", "tests.passed");
      ((ObjectNode) command.get("body")).put("taskId", T1);

      // when
      Reply reply = app.send(K1, CommandFixtures.bytes(command));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.OK);
      assertThat(reply.event().type()).isEqualTo(EventType.AGENT_EVENT);
      assertThat(reply.event().data().path("name").asText()).isEqualTo("tests.passed");
      assertThat(app.task(K1).version()).isEqualTo(1L);
    }
  }

  @Nested
  class Restart {

    @Test
    void shouldKeepTasksAcrossRestart() {
      // given
      givenTask(T1);
      given(update("alice", T1, 1L, patch("{\"title\": \"before restart\"}")));

      // when
      app.restart();
      Reply reply = app.send(update("bob", T1, 2L, patch("{\"description\": \"after\"}")));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.OK);
      assertThat(reply.outcome().version()).isEqualTo(3L);
      assertThat(reply.event().version()).isEqualTo(3L);
      assertThat(app.task(K1).title()).isEqualTo("before restart");
      assertThat(app.task(K1).description()).isEqualTo("after");
    }

    @Test
    void shouldStillRejectStaleVersionAfterRestart() {
      // given
      givenTask(T1);
      given(update("alice", T1, 1L, patch("{\"title\": \"before restart\"}")));

      // when
      app.restart();
      Reply reply = app.send(update("bob", T1, 1L, patch("{\"title\": \"stale\"}")));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
    }

    @Test
    void shouldRememberCommandIdsAcrossRestart() {
      // given
      ObjectNode command = create("alice", T1, "Write the parser");
      given(command);

      // when
      app.restart();
      Reply retry = app.send(command);

      // then
      assertThat(retry.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(retry.events()).isEmpty();
    }
  }
}
