package dev.baton.app.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.CommandBodies.TaskClaim;
import dev.baton.sdk.protocol.CommandBodies.TaskCreate;
import dev.baton.sdk.protocol.CommandBodies.TaskTransition;
import dev.baton.sdk.protocol.CommandBodies.TaskUpdate;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The task rules as pure functions: no store, no clock, no topology. */
class TaskRulesTest {
  private static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2025-01-02T00:00:00Z");

  private static Command command(CommandType type, String agent, Long expectedVersion) {
    return new Command(
        "cmd-1",
        type,
        "default",
        agent,
        NOW,
        expectedVersion,
        null,
        null,
        Json.mapper().createObjectNode());
  }

  private static ObjectNode json(String json) {
    try {
      return (ObjectNode) Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** A task at {@code version} whose fields last changed at the given versions. */
  private static Task task(
      long version, TaskStatus status, String assignee, Map<String, Long> fieldVersions) {
    return new Task(
        "T1",
        "default",
        "title",
        "description",
        status,
        assignee,
        1,
        List.of("a"),
        List.of(),
        json("{\"a\": 1, \"b\": 2}"),
        version,
        "alice",
        CREATED,
        "alice",
        CREATED,
        new TreeMap<>(fieldVersions));
  }

  private static Task openTask() {
    return task(1, TaskStatus.OPEN, null, Map.of("title", 1L, "status", 1L));
  }

  private static TaskDecision update(Task current, String agent, Long expected, String patch) {
    return TaskRules.update(
        current,
        command(CommandType.TASK_UPDATE, agent, expected),
        new TaskUpdate("T1", json(patch), null),
        NOW);
  }

  private static TaskDecision claim(Task current, String agent, Long expected) {
    return TaskRules.claim(
        current, command(CommandType.TASK_CLAIM, agent, expected), new TaskClaim("T1", null), NOW);
  }

  private static TaskDecision transition(Task current, String agent, Long expected, TaskStatus to) {
    return TaskRules.transition(
        current,
        command(CommandType.TASK_TRANSITION, agent, expected),
        new TaskTransition("T1", to, null, null),
        NOW);
  }

  private static Task applied(TaskDecision decision, EventType type) {
    assertThat(decision).isInstanceOf(TaskDecision.Applied.class);
    TaskDecision.Applied applied = (TaskDecision.Applied) decision;
    assertThat(applied.type()).isEqualTo(type);
    return applied.next();
  }

  private static TaskDecision.Rejected rejected(TaskDecision decision, OutcomeCode code) {
    assertThat(decision).isInstanceOf(TaskDecision.Rejected.class);
    TaskDecision.Rejected rejected = (TaskDecision.Rejected) decision;
    assertThat(rejected.code()).isEqualTo(code);
    return rejected;
  }

  @Nested
  class Create {

    @Test
    void shouldCreateOpenUnassignedTaskAtVersionOne() {
      // given
      TaskCreate body = new TaskCreate("T1", "Write it", null, null, null, null, null);

      // when
      TaskDecision decision =
          TaskRules.create(null, command(CommandType.TASK_CREATE, "alice", null), body, NOW);

      // then
      Task task = applied(decision, EventType.TASK_CREATED);
      assertThat(task.id()).isEqualTo("T1");
      assertThat(task.workspace()).isEqualTo("default");
      assertThat(task.title()).isEqualTo("Write it");
      assertThat(task.status()).isEqualTo(TaskStatus.OPEN);
      assertThat(task.assignee()).isNull();
      assertThat(task.version()).isEqualTo(1L);
      assertThat(task.labels()).isEmpty();
      assertThat(task.dependsOn()).isEmpty();
      assertThat(task.fields()).isNotNull();
      assertThat(task.fields().isEmpty()).isTrue();
      assertThat(task.createdBy()).isEqualTo("alice");
      assertThat(task.updatedBy()).isEqualTo("alice");
      assertThat(task.createdAt()).isEqualTo(NOW);
      assertThat(task.updatedAt()).isEqualTo(NOW);
      assertThat(task.fieldVersions()).containsOnlyKeys("title", "status");
    }

    @Test
    void shouldStampFieldVersionOfEverySetField() {
      // given
      TaskCreate body =
          new TaskCreate(
              "T1", "Write it", "d", 3, List.of("x"), List.of("T0"), json("{\"k\": 1, \"m\": 2}"));

      // when
      Task task =
          applied(
              TaskRules.create(null, command(CommandType.TASK_CREATE, "alice", null), body, NOW),
              EventType.TASK_CREATED);

      // then
      assertThat(task.fieldVersions())
          .containsOnlyKeys(
              "title",
              "status",
              "description",
              "priority",
              "labels",
              "dependsOn",
              "fields.k",
              "fields.m")
          .allSatisfy((field, version) -> assertThat(version).isEqualTo(1L));
      assertThat(task.labels()).containsExactly("x");
      assertThat(task.priority()).isEqualTo(3);
    }

    @Test
    void shouldCopyListsOfTheBody() {
      // given
      List<String> labels = new ArrayList<>(List.of("x"));
      TaskCreate body = new TaskCreate("T1", "Write it", null, null, labels, null, null);

      // when
      Task task =
          applied(
              TaskRules.create(null, command(CommandType.TASK_CREATE, "alice", null), body, NOW),
              EventType.TASK_CREATED);
      labels.add("later");

      // then
      assertThat(task.labels()).containsExactly("x");
    }

    @Test
    void shouldRejectCreateOfExistingTask() {
      // given
      Task current = task(4, TaskStatus.OPEN, null, Map.of());

      // when
      TaskDecision decision =
          TaskRules.create(
              current,
              command(CommandType.TASK_CREATE, "bob", null),
              new TaskCreate("T1", "again", null, null, null, null, null),
              NOW);

      // then
      assertThat(rejected(decision, OutcomeCode.ALREADY_EXISTS).message())
          .contains("T1")
          .contains("version 4");
    }
  }

  @Nested
  class Update {

    @Test
    void shouldBumpVersionAndFieldVersionsOfTouchedFieldsOnly() {
      // given
      Task current = task(3, TaskStatus.OPEN, null, Map.of("title", 1L, "fields.a", 2L));

      // when
      Task next =
          applied(
              update(current, "bob", 3L, "{\"description\": \"new\", \"fields\": {\"b\": 9}}"),
              EventType.TASK_UPDATED);

      // then
      assertThat(next.version()).isEqualTo(4L);
      assertThat(next.fieldVersions())
          .containsEntry("title", 1L)
          .containsEntry("fields.a", 2L)
          .containsEntry("description", 4L)
          .containsEntry("fields.b", 4L);
      assertThat(next.description()).isEqualTo("new");
      assertThat(next.fields().path("a").asInt()).isEqualTo(1);
      assertThat(next.fields().path("b").asInt()).isEqualTo(9);
      assertThat(next.updatedBy()).isEqualTo("bob");
      assertThat(next.updatedAt()).isEqualTo(NOW);
      assertThat(next.createdBy()).isEqualTo("alice");
      assertThat(next.createdAt()).isEqualTo(CREATED);
      assertThat(next.status()).isEqualTo(current.status());
      assertThat(next.title()).isEqualTo(current.title());
    }

    @Test
    void shouldLeaveTheCurrentTaskUntouched() {
      // given
      Task current = openTask();
      String fieldsBefore = current.fields().toString();
      Map<String, Long> versionsBefore = Map.copyOf(current.fieldVersions());

      // when
      update(current, "bob", 1L, "{\"fields\": {\"a\": null, \"c\": 3}, \"title\": \"t\"}");

      // then
      assertThat(current.fields().toString()).isEqualTo(fieldsBefore);
      assertThat(current.fieldVersions()).isEqualTo(versionsBefore);
    }

    @Test
    void shouldRemoveKeyOfFieldsSetToNull() {
      // when
      Task next =
          applied(
              update(openTask(), "bob", 1L, "{\"fields\": {\"a\": null}}"), EventType.TASK_UPDATED);

      // then
      assertThat(next.fields().has("a")).isFalse();
      assertThat(next.fields().path("b").asInt()).isEqualTo(2);
      assertThat(next.fieldVersions()).containsEntry("fields.a", 2L);
    }

    @Test
    void shouldClearOptionalFieldsSetToNull() {
      // when
      Task next =
          applied(
              update(
                  openTask(),
                  "bob",
                  1L,
                  "{\"description\": null, \"priority\": null, \"labels\": null}"),
              EventType.TASK_UPDATED);

      // then
      assertThat(next.description()).isNull();
      assertThat(next.priority()).isNull();
      assertThat(next.labels()).isEmpty();
    }

    @Test
    void shouldApplyUnguardedUpdateWhateverChanged() {
      // given
      Task current = task(9, TaskStatus.OPEN, null, Map.of("title", 9L));

      // when
      Task next =
          applied(update(current, "bob", null, "{\"title\": \"t\"}"), EventType.TASK_UPDATED);

      // then
      assertThat(next.version()).isEqualTo(10L);
    }

    @Test
    void shouldRejectUpdateOfMissingTask() {
      // when
      TaskDecision decision = update(null, "bob", null, "{\"title\": \"t\"}");

      // then
      assertThat(rejected(decision, OutcomeCode.NOT_FOUND).message()).contains("T1");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "status",
          "assignee",
          "id",
          "version",
          "workspace",
          "createdBy",
          "updatedAt",
          "fieldVersions",
          "titel",
          "fields.a"
        })
    void shouldRefuseToPatchFieldThatIsNotPatchable(String field) {
      // given
      ObjectNode patch = json("{}");
      patch.put(field, "x");

      // when / then
      assertThatThrownBy(
              () ->
                  TaskRules.update(
                      openTask(),
                      command(CommandType.TASK_UPDATE, "bob", 1L),
                      new TaskUpdate("T1", patch, null),
                      NOW))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("'" + field + "'")
          .hasMessageContaining("patchable are");
    }

    @Test
    void shouldPointStatusPatchToTransitionAndAssigneePatchToClaim() {
      assertThatThrownBy(() -> update(openTask(), "bob", 1L, "{\"status\": \"DONE\"}"))
          .hasMessageContaining("use task.transition");
      assertThatThrownBy(() -> update(openTask(), "bob", 1L, "{\"assignee\": \"bob\"}"))
          .hasMessageContaining("use task.claim");
    }

    @Test
    void shouldEscapeControlCharactersOfUnknownFieldName() {
      assertThatThrownBy(() -> update(openTask(), "bob", 1L, "{\"bad\\u0000name\": 1}"))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("bad\\u0000name")
          .hasMessageNotContaining("\u0000");
    }

    static Stream<Arguments> badValues() {
      return Stream.of(
          Arguments.of("{\"title\": 5}", "'title' must be a string"),
          Arguments.of("{\"title\": \" \"}", "'title' must not be empty"),
          Arguments.of("{\"title\": null}", "'title' must not be empty"),
          Arguments.of(
              "{\"title\": \"" + "t".repeat(CommandBodies.MAX_TITLE_LENGTH + 1) + "\"}",
              "the limit is " + CommandBodies.MAX_TITLE_LENGTH),
          Arguments.of("{\"description\": true}", "'description' must be a string"),
          Arguments.of("{\"priority\": \"1\"}", "'priority' must be an integer"),
          Arguments.of("{\"priority\": 1.5}", "'priority' must be an integer"),
          Arguments.of("{\"priority\": 99999999999}", "'priority' must be an integer"),
          Arguments.of("{\"labels\": {}}", "'labels' must be an array"),
          Arguments.of("{\"labels\": [1]}", "'labels' entries must be strings"),
          Arguments.of("{\"labels\": [\"a b\"]}", "labels entry"),
          Arguments.of("{\"dependsOn\": [\"T/2\"]}", "dependsOn entry"),
          Arguments.of(
              "{\"labels\": [" + "\"x\",".repeat(CommandBodies.MAX_LIST_SIZE) + "\"x\"]}",
              "the limit is " + CommandBodies.MAX_LIST_SIZE),
          Arguments.of("{\"fields\": 1}", "'fields' must be an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void shouldRefuseBadValueNamingTheField(String patch, String message) {
      assertThatThrownBy(() -> update(openTask(), "bob", 1L, patch))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining(message);
    }

    @Test
    void shouldRefuseFieldsGrowingBeyondTheirLimit() {
      // given
      ObjectNode fields = json("{}");
      fields.put("big", "x".repeat(CommandBodies.MAX_FIELDS_BYTES - 100));
      Task current =
          new Task(
              "T1",
              "default",
              "t",
              null,
              TaskStatus.OPEN,
              null,
              null,
              List.of(),
              List.of(),
              fields,
              1L,
              "alice",
              CREATED,
              "alice",
              CREATED,
              Map.of());

      // when / then
      assertThatThrownBy(
              () ->
                  update(
                      current, "bob", 1L, "{\"fields\": {\"more\": \"" + "y".repeat(200) + "\"}}"))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("fields would grow beyond " + CommandBodies.MAX_FIELDS_BYTES);
    }

    @Test
    void shouldCheckTheVersionOnlyAfterTheShapeOfThePatch() {
      // given: stale and malformed at once; the malformation is the client's first problem
      Task current = task(5, TaskStatus.OPEN, null, Map.of("title", 5L));

      // when / then
      assertThatThrownBy(() -> update(current, "bob", 1L, "{\"status\": \"DONE\"}"))
          .isInstanceOf(InvalidCommandException.class);
    }
  }

  @Nested
  class VersionCheck {
    private final Task current =
        task(5, TaskStatus.OPEN, null, Map.of("title", 2L, "description", 4L, "fields.a", 5L));

    private TaskDecision check(Long expected, String... touched) {
      return TaskRules.checkVersion(
          current,
          command(CommandType.TASK_UPDATE, "bob", expected),
          new LinkedHashSet<>(List.of(touched)));
    }

    @Test
    void shouldPassWithoutExpectedVersion() {
      assertThat(check(null, "title", "description")).isNull();
    }

    @Test
    void shouldPassAtCurrentVersion() {
      assertThat(check(5L, "fields.a")).isNull();
    }

    @Test
    void shouldRejectExpectedVersionAheadOfTask() {
      // when
      TaskDecision decision = check(6L, "title");

      // then
      assertThat(rejected(decision, OutcomeCode.VERSION_CONFLICT).message())
          .contains("expectedVersion 6 is ahead")
          .contains("version 5");
    }

    @Test
    void shouldRejectStaleVersionWhenTouchedFieldChangedSince() {
      // when
      TaskDecision decision = check(3L, "title", "description");

      // then
      TaskDecision.Rejected rejected = rejected(decision, OutcomeCode.VERSION_CONFLICT);
      assertThat(rejected.message())
          .contains("version 5, expected 3")
          .contains("description@4")
          .doesNotContain("title@");
    }

    @Test
    void shouldPassStaleVersionWhenTouchedFieldsAreUnchangedSince() {
      assertThat(check(2L, "title")).isNull();
      assertThat(check(4L, "title", "description")).isNull();
    }

    @Test
    void shouldPassStaleVersionForFieldNeverWritten() {
      assertThat(check(1L, "priority", "fields.z")).isNull();
    }

    @Test
    void shouldTreatEveryKeyOfFieldsOnItsOwn() {
      assertThat(check(1L, "fields.b")).isNull();
      assertThat(check(4L, "fields.a")).isNotNull();
    }
  }

  @Nested
  class Claim {

    @Test
    void shouldClaimOpenTask() {
      // when
      Task next = applied(claim(openTask(), "bob", null), EventType.TASK_CLAIMED);

      // then
      assertThat(next.status()).isEqualTo(TaskStatus.CLAIMED);
      assertThat(next.assignee()).isEqualTo("bob");
      assertThat(next.version()).isEqualTo(2L);
      assertThat(next.fieldVersions()).containsEntry("status", 2L).containsEntry("assignee", 2L);
      assertThat(next.updatedBy()).isEqualTo("bob");
    }

    @Test
    void shouldLeaveTaskClaimedBySameAgentUnchanged() {
      // given
      Task current = task(2, TaskStatus.CLAIMED, "bob", Map.of());

      // when
      TaskDecision decision = claim(current, "bob", 1L);

      // then
      assertThat(decision).isInstanceOf(TaskDecision.Unchanged.class);
      assertThat(((TaskDecision.Unchanged) decision).message()).contains("already claimed by you");
    }

    @Test
    void shouldRejectClaimOfTaskHeldByAnother() {
      // given
      Task current = task(2, TaskStatus.IN_PROGRESS, "bob", Map.of());

      // when
      TaskDecision decision = claim(current, "carol", null);

      // then
      assertThat(rejected(decision, OutcomeCode.ALREADY_CLAIMED).message()).contains("bob");
    }

    @ParameterizedTest
    @EnumSource(names = {"DONE", "FAILED", "CANCELLED"})
    void shouldRejectClaimOfFinishedUnassignedTask(TaskStatus status) {
      // given
      Task current = task(3, status, null, Map.of());

      // when
      TaskDecision decision = claim(current, "carol", null);

      // then
      assertThat(rejected(decision, OutcomeCode.INVALID_TRANSITION).message())
          .contains(status.name());
    }

    @ParameterizedTest
    @EnumSource(names = {"DONE", "FAILED", "CANCELLED"})
    void shouldRejectClaimOfFinishedAssignedTaskWithInvalidTransition(TaskStatus status) {
      // given
      Task current = task(3, status, "bob", Map.of());

      // then
      rejected(claim(current, "carol", null), OutcomeCode.INVALID_TRANSITION);
      rejected(claim(current, "bob", null), OutcomeCode.INVALID_TRANSITION);
    }

    @ParameterizedTest
    @EnumSource(names = {"IN_PROGRESS", "BLOCKED", "REVIEW"})
    void shouldAssignUnassignedActiveTaskKeepingItsStatus(TaskStatus status) {
      // given
      Task current = task(3, status, null, Map.of());

      // when
      Task next = applied(claim(current, "carol", null), EventType.TASK_CLAIMED);

      // then
      assertThat(next.status()).isEqualTo(status);
      assertThat(next.assignee()).isEqualTo("carol");
    }

    @Test
    void shouldRejectStaleClaimWhenStatusChangedSince() {
      // given
      Task current = task(3, TaskStatus.BLOCKED, null, Map.of("status", 3L));

      // when
      TaskDecision decision = claim(current, "carol", 2L);

      // then
      assertThat(rejected(decision, OutcomeCode.VERSION_CONFLICT).message()).contains("status@3");
    }

    @Test
    void shouldRejectClaimThatWouldChangeNothingWhenExpectedVersionIsAhead() {
      // given
      Task current = task(2, TaskStatus.CLAIMED, "bob", Map.of("status", 2L, "assignee", 2L));

      // when
      TaskDecision decision = claim(current, "bob", 3L);

      // then
      assertThat(rejected(decision, OutcomeCode.VERSION_CONFLICT).message())
          .contains("expectedVersion 3 is ahead");
    }

    @Test
    void shouldCheckTheVersionBeforeWhoHoldsTheTask() {
      // given
      Task current = task(3, TaskStatus.CLAIMED, "bob", Map.of("status", 3L, "assignee", 3L));

      // when
      TaskDecision decision = claim(current, "carol", 2L);

      // then
      assertThat(rejected(decision, OutcomeCode.VERSION_CONFLICT).message()).contains("status@3");
    }

    @Test
    void shouldRejectClaimOfMissingTask() {
      rejected(claim(null, "carol", null), OutcomeCode.NOT_FOUND);
    }
  }

  @Nested
  class Transition {
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
                TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.CANCELLED),
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
            TaskStatus.DONE,
            EnumSet.of(TaskStatus.OPEN),
            TaskStatus.FAILED,
            EnumSet.of(TaskStatus.OPEN),
            TaskStatus.CANCELLED,
            EnumSet.noneOf(TaskStatus.class));

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
      Task current = task(3, from, "bob", Map.of("status", 3L));

      // when
      TaskDecision decision = transition(current, "bob", 3L, to);

      // then
      if (ALLOWED.get(from).contains(to)) {
        Task next = applied(decision, EventType.TASK_STATUS_CHANGED);
        assertThat(next.status()).isEqualTo(to);
        assertThat(next.version()).isEqualTo(4L);
        assertThat(next.fieldVersions()).containsEntry("status", 4L);
      } else {
        assertThat(rejected(decision, OutcomeCode.INVALID_TRANSITION).message())
            .contains("from " + from + " to " + to);
      }
    }

    @Test
    void shouldLeaveTaskInTargetStatusUnchanged() {
      // when
      TaskDecision decision = transition(openTask(), "bob", null, TaskStatus.OPEN);

      // then
      assertThat(decision).isInstanceOf(TaskDecision.Unchanged.class);
    }

    @Test
    void shouldClearAssigneeWhenReopening() {
      // given
      Task current = task(4, TaskStatus.DONE, "bob", Map.of("assignee", 2L));

      // when
      Task next =
          applied(
              transition(current, "carol", null, TaskStatus.OPEN), EventType.TASK_STATUS_CHANGED);

      // then
      assertThat(next.assignee()).isNull();
      assertThat(next.fieldVersions()).containsEntry("assignee", 5L);
    }

    @ParameterizedTest
    @EnumSource(names = {"CLAIMED", "IN_PROGRESS"})
    void shouldAssignAgentTakingUpUnassignedTask(TaskStatus to) {
      // when
      Task next = applied(transition(openTask(), "carol", null, to), EventType.TASK_STATUS_CHANGED);

      // then
      assertThat(next.assignee()).isEqualTo("carol");
      assertThat(next.fieldVersions()).containsEntry("assignee", 2L);
    }

    @Test
    void shouldLeaveUnassignedTaskUnassignedWhenBlocking() {
      // when
      Task next =
          applied(
              transition(openTask(), "carol", null, TaskStatus.BLOCKED),
              EventType.TASK_STATUS_CHANGED);

      // then
      assertThat(next.assignee()).isNull();
      assertThat(next.fieldVersions()).doesNotContainKey("assignee");
    }

    @Test
    void shouldKeepAssigneeAndItsFieldVersionWhenFinishing() {
      // given
      Task current = task(4, TaskStatus.IN_PROGRESS, "bob", Map.of("assignee", 2L));

      // when
      Task next =
          applied(
              transition(current, "carol", null, TaskStatus.DONE), EventType.TASK_STATUS_CHANGED);

      // then
      assertThat(next.assignee()).isEqualTo("bob");
      assertThat(next.fieldVersions()).containsEntry("assignee", 2L);
      assertThat(next.updatedBy()).isEqualTo("carol");
    }

    @Test
    void shouldRejectStaleTransitionWhenStatusChangedSince() {
      // given
      Task current = task(4, TaskStatus.CLAIMED, "bob", Map.of("status", 4L));

      // when
      TaskDecision decision = transition(current, "carol", 3L, TaskStatus.IN_PROGRESS);

      // then
      rejected(decision, OutcomeCode.VERSION_CONFLICT);
    }

    @Test
    void shouldRejectTransitionToCurrentStatusWhenStatusChangedAfterExpectedVersion() {
      // given
      Task current = task(4, TaskStatus.IN_PROGRESS, "bob", Map.of("status", 4L));

      // when
      TaskDecision decision = transition(current, "bob", 3L, TaskStatus.IN_PROGRESS);

      // then
      assertThat(rejected(decision, OutcomeCode.VERSION_CONFLICT).message()).contains("status@4");
    }

    @Test
    void shouldCheckTheVersionBeforeTheStateMachine() {
      // given
      Task current = task(4, TaskStatus.DONE, "bob", Map.of("status", 4L));

      // when
      TaskDecision decision = transition(current, "bob", 5L, TaskStatus.BLOCKED);

      // then
      rejected(decision, OutcomeCode.VERSION_CONFLICT);
    }

    @Test
    void shouldRejectTransitionOfMissingTask() {
      rejected(transition(null, "carol", null, TaskStatus.DONE), OutcomeCode.NOT_FOUND);
    }
  }
}
