package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.CommandBodies.DecisionRecord;
import dev.baton.sdk.protocol.CommandBodies.EventEmit;
import dev.baton.sdk.protocol.CommandBodies.LockAcquire;
import dev.baton.sdk.protocol.CommandBodies.LockForceRelease;
import dev.baton.sdk.protocol.CommandBodies.LockResource;
import dev.baton.sdk.protocol.CommandBodies.StateRestore;
import dev.baton.sdk.protocol.CommandBodies.TaskClaim;
import dev.baton.sdk.protocol.CommandBodies.TaskCreate;
import dev.baton.sdk.protocol.CommandBodies.TaskTransition;
import dev.baton.sdk.protocol.CommandBodies.TaskUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandCodecTest {
  private static final Instant ISSUED = Instant.parse("2025-01-01T10:15:30.123Z");

  private static ObjectNode json(String json) {
    try {
      return (ObjectNode) Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A valid task.create envelope as a tree, for tests to break. */
  private static ObjectNode createTree() {
    return json(
        "{\"id\": \"c1\", \"type\": \"task.create\", \"workspace\": \"default\","
            + " \"agent\": \"alice\", \"issuedAt\": \"2025-01-01T10:15:30.123Z\","
            + " \"replyTo\": {\"partition\": 2},"
            + " \"body\": {\"taskId\": \"T1\", \"title\": \"Write it\"}}");
  }

  private static ParsedCommand parse(ObjectNode tree) {
    return CommandCodec.parse(tree.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static ParsedCommand.Valid valid(ParsedCommand parsed) {
    assertThat(parsed).as("%s", parsed).isInstanceOf(ParsedCommand.Valid.class);
    return (ParsedCommand.Valid) parsed;
  }

  private static ParsedCommand.Invalid invalid(ParsedCommand parsed) {
    assertThat(parsed).isInstanceOf(ParsedCommand.Invalid.class);
    return (ParsedCommand.Invalid) parsed;
  }

  private static Command command(CommandType type, String body) {
    return new Command("c1", type, "default", "alice", ISSUED, null, null, null, json(body));
  }

  @Nested
  class RoundTrip {

    @Test
    void shouldRoundTripCommandWithEveryField() {
      // given
      Command command =
          new Command(
              "0b6f8a2e-7d1c-4a51-9c3e-2f1d5e6a7b8c",
              CommandType.TASK_UPDATE,
              "team-a",
              "agent@host:1",
              ISSUED,
              7L,
              new Fence("task/T1", 3),
              new ReplyTo(5),
              json(
                  "{\"taskId\": \"T1\", \"patch\": {\"title\": \"t\", \"fields\": {\"k\": [1]}}}"));

      // when
      ParsedCommand.Valid parsed = valid(CommandCodec.parse(CommandCodec.write(command)));

      // then
      assertThat(parsed.command()).isEqualTo(command);
      assertThat(parsed.key()).isEqualTo("team-a/task/T1");
      assertThat(parsed.body()).isInstanceOf(TaskUpdate.class);
      assertThat(((TaskUpdate) parsed.body()).patch().path("fields").path("k").get(0).asInt())
          .isEqualTo(1);
    }

    @Test
    void shouldWriteWireNamesIsoTimesAndNoNulls() throws IOException {
      // given
      Command command =
          new Command(
              "c1",
              CommandType.TASK_CLAIM,
              "default",
              "alice",
              ISSUED,
              null,
              null,
              null,
              json("{\"taskId\": \"T1\"}"));

      // when
      JsonNode written = Json.mapper().readTree(CommandCodec.write(command));

      // then
      assertThat(written.path("type").asText()).isEqualTo("task.claim");
      assertThat(written.path("issuedAt").asText()).isEqualTo("2025-01-01T10:15:30.123Z");
      assertThat(written.has("expectedVersion")).isFalse();
      assertThat(written.has("fence")).isFalse();
      assertThat(written.has("replyTo")).isFalse();
    }

    @Test
    void shouldDefaultWorkspaceOfCommandThatNamesNone() {
      // given
      ObjectNode tree = createTree();
      tree.remove("workspace");

      // when
      ParsedCommand.Valid parsed = valid(parse(tree));

      // then
      assertThat(parsed.command().workspace()).isEqualTo(AggregateKeys.DEFAULT_WORKSPACE);
      assertThat(parsed.key()).isEqualTo("default/task/T1");
    }

    @Test
    void shouldAcceptCommandWithoutIssuedAtOrReplyTo() {
      // given
      ObjectNode tree = createTree();
      tree.remove("issuedAt");
      tree.remove("replyTo");

      // when
      ParsedCommand.Valid parsed = valid(parse(tree));

      // then
      assertThat(parsed.command().issuedAt()).isNull();
      assertThat(parsed.command().replyTo()).isNull();
    }

    @Test
    void shouldRoundTripOutcomeThroughSerde() {
      // given
      JsonSerde<Outcome> serde = JsonSerde.of(Outcome.class);
      Outcome outcome =
          new Outcome(
              "c1",
              CommandType.LOCK_ACQUIRE,
              "default/lock/src/A.java",
              OutcomeStatus.GRANTED,
              OutcomeCode.OK,
              "granted",
              4L,
              17L,
              2,
              List.of("a", "b"),
              ISSUED.plusSeconds(60),
              json("{\"holders\": [\"a\"]}"),
              null,
              ISSUED);

      // when
      Outcome back = serde.deserialize("t", serde.serialize("t", outcome));

      // then
      assertThat(back).isEqualTo(outcome);
    }

    @Test
    void shouldRoundTripDuplicateOutcome() {
      // given
      JsonSerde<Outcome> serde = JsonSerde.of(Outcome.class);
      Outcome duplicate =
          Outcome.rejected(
                  "c1",
                  CommandType.TASK_UPDATE,
                  "default/task/T1",
                  OutcomeCode.VERSION_CONFLICT,
                  "stale",
                  3L,
                  json("{\"version\": 3}"),
                  ISSUED)
              .asDuplicate();

      // when
      Outcome back = serde.deserialize("t", serde.serialize("t", duplicate));

      // then
      assertThat(back).isEqualTo(duplicate);
      assertThat(back.originalStatus()).isEqualTo(OutcomeStatus.REJECTED);
    }

    @Test
    void shouldRoundTripEventThroughSerde() {
      // given
      JsonSerde<Event> serde = JsonSerde.of(Event.class);
      Event event =
          new Event(
              "c1:0",
              EventType.TASK_STATUS_CHANGED,
              "default/task/T1",
              3L,
              "alice",
              "c1",
              ISSUED,
              json("{\"status\": \"DONE\"}"));

      // when
      byte[] bytes = serde.serialize("t", event);
      Event back = serde.deserialize("t", bytes);

      // then
      assertThat(back).isEqualTo(event);
      assertThat(new String(bytes, StandardCharsets.UTF_8))
          .contains("\"type\":\"task.status_changed\"");
    }

    @Test
    void shouldRoundTripTaskThroughSerde() {
      // given
      JsonSerde<Task> serde = JsonSerde.of(Task.class);
      Task task =
          new Task(
              "T1",
              "default",
              "t",
              null,
              TaskStatus.REVIEW,
              "bob",
              2,
              List.of("x"),
              List.of(),
              json("{\"a\": {\"b\": null}}"),
              5L,
              "alice",
              ISSUED,
              "bob",
              ISSUED,
              new java.util.TreeMap<>(java.util.Map.of("title", 1L, "fields.a", 4L)));

      // when
      Task back = serde.deserialize("t", serde.serialize("t", task));

      // then
      assertThat(back).isEqualTo(task);
    }

    @Test
    void shouldPassNullsThroughSerde() {
      JsonSerde<Event> serde = JsonSerde.of(Event.class);
      assertThat(serde.serialize("t", null)).isNull();
      assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void shouldReportUnreadableBytesAsSerializationException() {
      JsonSerde<Event> serde = JsonSerde.of(Event.class);
      assertThatThrownBy(() -> serde.deserialize("t", utf8("{nope")))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("Event");
    }

    @Test
    void shouldWriteEveryCommandTypeByItsWireName() {
      for (CommandType type : CommandType.values()) {
        assertThat(CommandType.fromWire(type.wire())).contains(type);
        assertThat(Json.mapper().valueToTree(type).asText()).isEqualTo(type.wire());
      }
      assertThat(CommandType.fromWire("TASK_CREATE")).isEmpty();
      assertThat(CommandType.fromWire("task.explode")).isEmpty();
    }

    @Test
    void shouldWriteEveryEventTypeByItsWireName() {
      for (EventType type : EventType.values()) {
        assertThat(EventType.fromWire(type.wire())).contains(type);
      }
      assertThat(EventType.fromWire("command.rejected")).contains(EventType.COMMAND_REJECTED);
    }
  }

  @Nested
  class Outcomes {

    @Test
    void shouldRepeatCodeVersionAndStateInDuplicate() {
      // given
      Outcome first =
          Outcome.accepted(
              new Command(
                  "c1", CommandType.TASK_CREATE, "default", "a", ISSUED, null, null, null, null),
              "default/task/T1",
              1L,
              json("{\"v\": 1}"),
              ISSUED);

      // when
      Outcome duplicate = first.asDuplicate();

      // then
      assertThat(duplicate.status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(duplicate.originalStatus()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(duplicate.code()).isEqualTo(first.code());
      assertThat(duplicate.version()).isEqualTo(first.version());
      assertThat(duplicate.state()).isEqualTo(first.state());
      assertThat(duplicate.isSuccess()).isTrue();
      assertThat(duplicate.asDuplicate()).isSameAs(duplicate);
    }

    @Test
    void shouldReportRejectionAndItsDuplicateAsFailures() {
      // given
      Outcome rejected =
          Outcome.rejected("c1", null, null, OutcomeCode.INVALID, "bad", null, null, ISSUED);

      // then
      assertThat(rejected.isSuccess()).isFalse();
      assertThat(rejected.asDuplicate().isSuccess()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(OutcomeStatus.class)
    void shouldCountAppliedStatusesAsSuccess(OutcomeStatus status) {
      boolean expected =
          status == OutcomeStatus.ACCEPTED
              || status == OutcomeStatus.GRANTED
              || status == OutcomeStatus.QUEUED;
      assertThat(status.isSuccess()).isEqualTo(expected);
    }
  }

  @Nested
  class Bodies {

    static Stream<Arguments> bodies() {
      return Stream.of(
          Arguments.of(
              CommandType.TASK_CREATE,
              "{\"taskId\": \"T1\", \"title\": \"t\"}",
              TaskCreate.class,
              "default/task/T1"),
          Arguments.of(
              CommandType.TASK_UPDATE,
              "{\"taskId\": \"T1\", \"patch\": {\"title\": \"t\"}}",
              TaskUpdate.class,
              "default/task/T1"),
          Arguments.of(
              CommandType.TASK_CLAIM, "{\"taskId\": \"T1\"}", TaskClaim.class, "default/task/T1"),
          Arguments.of(
              CommandType.TASK_TRANSITION,
              "{\"taskId\": \"T1\", \"to\": \"DONE\"}",
              TaskTransition.class,
              "default/task/T1"),
          Arguments.of(
              CommandType.LOCK_ACQUIRE,
              "{\"resource\": \"src/A.java\", \"mode\": \"EXCLUSIVE\", \"leaseMs\": 1000}",
              LockAcquire.class,
              "default/lock/src/A.java"),
          Arguments.of(
              CommandType.LOCK_ACQUIRE,
              "{\"resource\": \"task/T1\", \"mode\": \"COLLABORATIVE\"}",
              LockAcquire.class,
              "default/task/T1"),
          Arguments.of(
              CommandType.LOCK_RELEASE,
              "{\"resource\": \"src/A.java\"}",
              LockResource.class,
              "default/lock/src/A.java"),
          Arguments.of(
              CommandType.LOCK_RENEW,
              "{\"resource\": \"src/A.java\", \"leaseMs\": 5}",
              LockResource.class,
              "default/lock/src/A.java"),
          Arguments.of(
              CommandType.LOCK_CANCEL,
              "{\"resource\": \"branch:main\"}",
              LockResource.class,
              "default/lock/branch:main"),
          Arguments.of(
              CommandType.LOCK_FORCE_RELEASE,
              "{\"resource\": \"src/A.java\", \"holder\": \"bob\", \"reason\": \"stuck\"}",
              LockForceRelease.class,
              "default/lock/src/A.java"),
          Arguments.of(
              CommandType.DECISION_RECORD,
              "{\"title\": \"Use Kafka\", \"decision\": \"yes\", \"taskId\": \"T1\"}",
              DecisionRecord.class,
              "default/decisions"),
          Arguments.of(
              CommandType.EVENT_EMIT,
              "{\"name\": \"tests.passed\"}",
              EventEmit.class,
              "default/agent/alice"),
          Arguments.of(
              CommandType.EVENT_EMIT,
              "{\"name\": \"tests.passed\", \"taskId\": \"T1\"}",
              EventEmit.class,
              "default/task/T1"),
          Arguments.of(
              CommandType.STATE_RESTORE,
              "{\"checkpoint\": \"cp-1\", \"task\": {\"id\": \"T1\", \"title\": \"t\","
                  + " \"status\": \"OPEN\", \"version\": 3}}",
              StateRestore.class,
              "default/task/T1"),
          Arguments.of(
              CommandType.STATE_RESTORE,
              "{\"lock\": {\"resource\": \"src/A.java\", \"lastToken\": 4, \"version\": 2}}",
              StateRestore.class,
              "default/lock/src/A.java"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("bodies")
    void shouldReadBodyOfEachTypeAndAddressItsAggregate(
        CommandType type, String body, Class<?> bodyClass, String key) {
      // when
      ParsedCommand.Valid parsed =
          valid(CommandCodec.parse(CommandCodec.write(command(type, body))));

      // then
      assertThat(parsed.body()).isInstanceOf(bodyClass);
      assertThat(parsed.key()).isEqualTo(key);
    }

    @Test
    void shouldCoverEveryCommandType() {
      List<CommandType> covered = bodies().map(a -> (CommandType) a.get()[0]).distinct().toList();
      assertThat(covered).containsExactlyInAnyOrder(CommandType.values());
    }

    static Stream<Arguments> invalidBodies() {
      return Stream.of(
          Arguments.of(CommandType.TASK_UPDATE, "{\"taskId\": \"T1\"}", "patch"),
          Arguments.of(CommandType.TASK_UPDATE, "{\"taskId\": \"T1\", \"patch\": {}}", "patch"),
          Arguments.of(CommandType.TASK_TRANSITION, "{\"taskId\": \"T1\"}", "to"),
          Arguments.of(CommandType.TASK_TRANSITION, "{\"taskId\": \"T1\", \"to\": 3}", "to"),
          Arguments.of(CommandType.TASK_TRANSITION, "{\"taskId\": \"T1\", \"to\": \"done\"}", "to"),
          Arguments.of(CommandType.TASK_CLAIM, "{\"taskId\": \"T1\", \"agent\": \"x\"}", "agent"),
          Arguments.of(CommandType.LOCK_ACQUIRE, "{\"resource\": \"a\"}", "mode"),
          Arguments.of(
              CommandType.LOCK_ACQUIRE, "{\"resource\": \"a\", \"mode\": \"SHARED\"}", "mode"),
          Arguments.of(
              CommandType.LOCK_ACQUIRE,
              "{\"resource\": \"a\", \"mode\": \"EXCLUSIVE\", \"waitMs\": -1}",
              "waitMs"),
          Arguments.of(CommandType.LOCK_ACQUIRE, "{\"mode\": \"EXCLUSIVE\"}", "resource"),
          Arguments.of(
              CommandType.LOCK_ACQUIRE,
              "{\"resource\": \"task/\", \"mode\": \"EXCLUSIVE\"}",
              "resource 'task/'"),
          Arguments.of(
              CommandType.LOCK_ACQUIRE,
              "{\"resource\": \"task/..\", \"mode\": \"EXCLUSIVE\"}",
              "resource 'task/..'"),
          Arguments.of(
              CommandType.LOCK_ACQUIRE,
              "{\"resource\": \"task/a b\", \"mode\": \"EXCLUSIVE\"}",
              "task id in resource"),
          Arguments.of(CommandType.LOCK_RELEASE, "{\"resource\": \"../etc\"}", "resource"),
          Arguments.of(
              CommandType.LOCK_FORCE_RELEASE,
              "{\"resource\": \"a\", \"holder\": \"b c\"}",
              "holder"),
          Arguments.of(
              CommandType.LOCK_FORCE_RELEASE, "{\"resource\": \"a\", \"agent\": \"b\"}", "agent"),
          Arguments.of(CommandType.DECISION_RECORD, "{\"title\": \"t\"}", "decision"),
          Arguments.of(
              CommandType.DECISION_RECORD,
              "{\"title\": \"t\", \"decision\": \"d\", \"supersedes\": 0}",
              "supersedes"),
          Arguments.of(
              CommandType.DECISION_RECORD,
              "{\"title\": \"t\", \"decision\": \"d\", \"taskId\": \"a/b\"}",
              "taskId"),
          Arguments.of(CommandType.EVENT_EMIT, "{\"name\": \"\"}", "name"),
          Arguments.of(CommandType.EVENT_EMIT, "{\"name\": \"n\", \"payload\": [1]}", "payload"),
          Arguments.of(
              CommandType.EVENT_EMIT,
              "{\"name\": \"n\", \"payload\": {\"p\": \""
                  + "x".repeat(CommandBodies.MAX_FIELDS_BYTES)
                  + "\"}}",
              "fields"),
          Arguments.of(CommandType.STATE_RESTORE, "{\"snapshot\": {}}", "snapshot"),
          Arguments.of(CommandType.STATE_RESTORE, "{\"checkpoint\": \"cp-1\"}", "a task, a lock"),
          Arguments.of(
              CommandType.STATE_RESTORE,
              "{\"task\": {\"id\": \"a/b\", \"title\": \"t\", \"status\": \"OPEN\", \"version\": 1}}",
              "task.id"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidBodies")
    void shouldRejectInvalidBodyNamingTheField(CommandType type, String body, String field) {
      // when
      ParsedCommand.Invalid parsed =
          invalid(CommandCodec.parse(CommandCodec.write(command(type, body))));

      // then
      assertThat(parsed.commandId()).isEqualTo("c1");
      assertThat(parsed.type()).isEqualTo(type);
      assertThat(parsed.message()).contains(field);
    }

    @Test
    void shouldAcceptLimitsExactly() {
      // given
      ObjectNode tree = createTree();
      ObjectNode body = (ObjectNode) tree.get("body");
      body.put("title", "t".repeat(CommandBodies.MAX_TITLE_LENGTH));
      body.put("description", "d".repeat(CommandBodies.MAX_TEXT_LENGTH));
      var labels = body.putArray("labels");
      for (int i = 0; i < CommandBodies.MAX_LIST_SIZE; i++) {
        labels.add("l" + i);
      }
      body.put("taskId", "t".repeat(Names.MAX_ID_LENGTH));

      // when
      ParsedCommand parsed = parse(tree);

      // then
      valid(parsed);
    }
  }

  /** {@code "release": true} on a fenced task write: release the grant if the write lands. */
  @Nested
  class Release {
    private static final Fence FENCE = new Fence("task/T1", 3);

    private static Command fenced(CommandType type, String body, Fence fence) {
      return new Command("c1", type, "default", "alice", ISSUED, null, fence, null, json(body));
    }

    static Stream<Arguments> writes() {
      return Stream.of(
          Arguments.of(CommandType.TASK_UPDATE, "\"patch\": {\"title\": \"t\"}"),
          Arguments.of(CommandType.TASK_CLAIM, null),
          Arguments.of(CommandType.TASK_TRANSITION, "\"to\": \"DONE\""));
    }

    private static String body(String rest, String release) {
      return "{\"taskId\": \"T1\""
          + (rest == null ? "" : ", " + rest)
          + (release == null ? "" : ", \"release\": " + release)
          + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void shouldReadReleaseOfAFencedTaskWrite(CommandType type, String rest) {
      // when
      ParsedCommand.Valid parsed =
          valid(CommandCodec.parse(CommandCodec.write(fenced(type, body(rest, "true"), FENCE))));

      // then
      assertThat(parsed.body()).isInstanceOf(CommandBodies.TaskWrite.class);
      assertThat(((CommandBodies.TaskWrite) parsed.body()).releasesLock()).isTrue();
      assertThat(parsed.command().fence()).isEqualTo(FENCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void shouldReadAbsentOrFalseReleaseAsNoReleaseWithOrWithoutFence(
        CommandType type, String rest) {
      for (String release : new String[] {null, "false", "null"}) {
        for (Fence fence : new Fence[] {null, FENCE}) {
          // when
          ParsedCommand.Valid parsed =
              valid(
                  CommandCodec.parse(CommandCodec.write(fenced(type, body(rest, release), fence))));

          // then
          assertThat(((CommandBodies.TaskWrite) parsed.body()).releasesLock())
              .as("release %s, fence %s", release, fence)
              .isFalse();
        }
      }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void shouldRejectReleaseWithoutFenceNamingBoth(CommandType type, String rest) {
      // when
      ParsedCommand.Invalid parsed =
          invalid(CommandCodec.parse(CommandCodec.write(fenced(type, body(rest, "true"), null))));

      // then
      assertThat(parsed.commandId()).isEqualTo("c1");
      assertThat(parsed.type()).isEqualTo(type);
      assertThat(parsed.message())
          .startsWith("release needs a fence: " + type.wire() + " of task T1")
          .contains("task/T1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"true\"", "1", "0", "[true]", "{}"})
    void shouldNeverCoerceRelease(String value) {
      // when
      ParsedCommand.Invalid parsed =
          invalid(
              CommandCodec.parse(
                  CommandCodec.write(fenced(CommandType.TASK_CLAIM, body(null, value), FENCE))));

      // then
      assertThat(parsed.message()).contains("release");
    }

    @Test
    void shouldRejectReleaseOnCommandsThatTakeNoFence() {
      // when
      ParsedCommand.Invalid create =
          invalid(
              CommandCodec.parse(
                  CommandCodec.write(
                      fenced(
                          CommandType.TASK_CREATE,
                          "{\"taskId\": \"T1\", \"title\": \"t\", \"release\": true}",
                          FENCE))));
      ParsedCommand.Invalid lockRelease =
          invalid(
              CommandCodec.parse(
                  CommandCodec.write(
                      fenced(
                          CommandType.LOCK_RELEASE,
                          "{\"resource\": \"task/T1\", \"release\": true}",
                          null))));

      // then
      assertThat(create.message()).contains("unknown field 'release'");
      assertThat(lockRelease.message()).contains("unknown field 'release'");
    }
  }

  @Nested
  class Salvage {

    @Test
    void shouldSalvageIdTypeAndReplyToOfCommandWithBrokenBody() {
      // given
      ObjectNode tree = createTree();
      ((ObjectNode) tree.get("body")).put("titel", "typo");

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isEqualTo("c1");
      assertThat(parsed.type()).isEqualTo(CommandType.TASK_CREATE);
      assertThat(parsed.replyTo()).isEqualTo(new ReplyTo(2));
      assertThat(parsed.message()).isEqualTo("unknown field 'titel' in the body of task.create");
    }

    @Test
    void shouldSalvageIdAndReplyToOfCommandWithUnknownType() {
      // given
      ObjectNode tree = createTree();
      tree.put("type", "task.explode");

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isEqualTo("c1");
      assertThat(parsed.type()).isNull();
      assertThat(parsed.replyTo()).isEqualTo(new ReplyTo(2));
      assertThat(parsed.message()).contains("task.explode");
    }

    @Test
    void shouldSalvageIdOfCommandWithWrongTypedEnvelopeField() {
      // given
      ObjectNode tree = createTree();
      tree.put("expectedVersion", "5");

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isEqualTo("c1");
      assertThat(parsed.message()).contains("expectedVersion");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "a/b", "c\u0001", "c d"})
    void shouldNotEchoUnusableId(String id) {
      // given
      ObjectNode tree = createTree();
      tree.put("id", id);

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isNull();
      assertThat(parsed.message()).startsWith("id ").doesNotContain("\u0001");
    }

    @Test
    void shouldNotEchoOverlongId() {
      // given
      ObjectNode tree = createTree();
      tree.put("id", "i".repeat(Names.MAX_ID_LENGTH + 1));

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isNull();
      assertThat(parsed.message()).contains("limit is " + Names.MAX_ID_LENGTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "true", "{\"x\": 1}", "[\"c1\"]", "null"})
    void shouldNotSalvageIdThatIsNotAString(String idJson) {
      // given
      ObjectNode tree = createTree();
      tree.set("id", json("{\"v\": " + idJson + "}").get("v"));

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "\"2\"", "2.5", "4294967296", "null", "{}"})
    void shouldNotSalvageReplyPartitionThatIsNotANonNegativeInt(String partitionJson) {
      // given
      ObjectNode tree = createTree();
      tree.set("replyTo", json("{\"partition\": " + partitionJson + "}"));
      ((ObjectNode) tree.get("body")).remove("title");

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isEqualTo("c1");
      assertThat(parsed.replyTo()).isNull();
    }

    @Test
    void shouldRejectNegativeReplyPartitionNamingIt() {
      // given
      ObjectNode tree = createTree();
      tree.set("replyTo", json("{\"partition\": -3}"));

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.message()).isEqualTo("replyTo.partition must be >= 0, got -3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"c1\"", "1", "null", "true"})
    void shouldSalvageNothingFromNonObject(String document) {
      // when
      ParsedCommand.Invalid parsed = invalid(CommandCodec.parse(utf8(document)));

      // then
      assertThat(parsed.commandId()).isNull();
      assertThat(parsed.type()).isNull();
      assertThat(parsed.replyTo()).isNull();
      assertThat(parsed.message()).isEqualTo("command must be a JSON object");
    }

    @Test
    void shouldAnswerNullAndEmptyRecords() {
      assertThat(invalid(CommandCodec.parse((byte[]) null)).message()).contains("empty");
      assertThat(invalid(CommandCodec.parse(new byte[0])).message()).contains("empty");
      assertThat(invalid(CommandCodec.parse((JsonNode) null)).message()).contains("JSON object");
    }
  }

  @Nested
  class Limits {

    @Test
    void shouldRejectDocumentOverTheLimitBeforeParsing() {
      // given
      byte[] bytes = new byte[Json.MAX_DOCUMENT_BYTES + 1];
      java.util.Arrays.fill(bytes, (byte) '[');

      // when
      ParsedCommand.Invalid parsed = invalid(CommandCodec.parse(bytes));

      // then
      assertThat(parsed.message())
          .isEqualTo(
              "command is " + bytes.length + " bytes, the limit is " + Json.MAX_DOCUMENT_BYTES);
    }

    @Test
    void shouldAcceptNestingUpToTheLimit() {
      // given: root, body, fields and deeper objects up to exactly the limit
      ObjectNode tree = createTree();
      ObjectNode level = ((ObjectNode) tree.get("body")).putObject("fields");
      for (int depth = 3; depth < Json.MAX_NESTING_DEPTH; depth++) {
        level = level.putObject("d");
      }

      // then
      valid(parse(tree));
      level.putObject("d");
      assertThat(invalid(parse(tree)).message())
          .contains("nests deeper than " + Json.MAX_NESTING_DEPTH + " levels");
    }

    @Test
    void shouldRejectDeepNestingWithoutOverflowingTheStack() {
      // given
      byte[] deep = utf8("[".repeat(100_000) + "]".repeat(100_000));

      // when
      ParsedCommand.Invalid parsed = invalid(CommandCodec.parse(deep));

      // then
      assertThat(parsed.message()).contains("not valid JSON").contains("nests deeper than");
    }

    @Test
    void shouldRejectOverlongString() {
      // given
      byte[] doc = utf8("{\"id\": \"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"}");

      // when
      ParsedCommand.Invalid parsed = invalid(CommandCodec.parse(doc));

      // then
      assertThat(parsed.message())
          .contains("a string is longer than " + Json.MAX_STRING_LENGTH + " characters");
    }

    @Test
    void shouldRejectOverlongNumber() {
      // given
      ObjectNode tree = createTree();
      String doc =
          tree.toString()
              .replace(
                  "\"replyTo\":{\"partition\":2}",
                  "\"replyTo\":{\"partition\":" + "1".repeat(Json.MAX_NUMBER_LENGTH + 1) + "}");

      // when
      ParsedCommand.Invalid parsed = invalid(CommandCodec.parse(utf8(doc)));

      // then
      assertThat(parsed.message())
          .contains("a number is longer than " + Json.MAX_NUMBER_LENGTH + " characters");
    }

    @Test
    void shouldRejectOverlongFieldName() {
      // given
      byte[] doc = utf8("{\"" + "k".repeat(2000) + "\": 1}");

      // then
      assertThat(invalid(CommandCodec.parse(doc)).message()).contains("not valid JSON");
    }

    @Test
    void shouldRejectDuplicateKeys() {
      // given
      byte[] doc = utf8("{\"id\": \"c1\", \"id\": \"c2\"}");

      // then
      assertThat(invalid(CommandCodec.parse(doc)).message()).contains("Duplicate field 'id'");
    }

    @Test
    void shouldRejectTrailingContent() {
      // given
      byte[] doc = utf8(createTree() + "{}");

      // then
      assertThat(invalid(CommandCodec.parse(doc)).commandId()).isNull();
    }

    static Stream<Arguments> uncoerced() {
      return Stream.of(
          Arguments.of("expectedVersion", "\"5\""),
          Arguments.of("expectedVersion", "true"),
          Arguments.of("agent", "5"),
          Arguments.of("agent", "true"),
          Arguments.of("issuedAt", "\"yesterday\""),
          Arguments.of("issuedAt", "true"),
          Arguments.of("fence", "\"task/T1:3\""));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("uncoerced")
    void shouldNeverCoerceScalarsOfTheEnvelope(String field, String value) {
      // given
      ObjectNode tree = createTree();
      tree.set(field, json("{\"v\": " + value + "}").get("v"));

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.commandId()).isEqualTo("c1");
      assertThat(parsed.message()).contains(field);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("uncoercedBody")
    void shouldNeverCoerceScalarsOfTheBody(String field, String value) {
      // given
      ObjectNode tree = createTree();
      ((ObjectNode) tree.get("body")).set(field, json("{\"v\": " + value + "}").get("v"));

      // when
      ParsedCommand.Invalid parsed = invalid(parse(tree));

      // then
      assertThat(parsed.message()).contains(field);
    }

    static Stream<Arguments> uncoercedBody() {
      return Stream.of(
          Arguments.of("title", "5"),
          Arguments.of("title", "false"),
          Arguments.of("title", "[\"t\"]"),
          Arguments.of("priority", "\"1\""),
          Arguments.of("priority", "true"),
          Arguments.of("labels", "\"a\""),
          Arguments.of("fields", "\"{}\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"expectedVersion", "priority"})
    void shouldNeverTruncateFractionalNumberToInteger(String field) {
      // given
      ObjectNode tree = createTree();
      if (field.equals("expectedVersion")) {
        tree.put(field, 1.5);
      } else {
        ((ObjectNode) tree.get("body")).put(field, 2.7);
      }

      // when
      ParsedCommand parsed = parse(tree);

      // then
      assertThat(invalid(parsed).message()).contains(field);
    }

    @Test
    void shouldNeverThrowWhateverTheBytes() {
      // given: a valid command, mutated byte by byte with a fixed seed
      byte[] valid = utf8(createTree().toString());
      Random random = new Random(20250101L);
      List<byte[]> inputs = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        byte[] mutated = valid.clone();
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
          mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
        }
        inputs.add(mutated);
        inputs.add(java.util.Arrays.copyOf(valid, random.nextInt(valid.length)));
      }

      for (byte[] input : inputs) {
        // when / then
        assertThatCode(() -> assertThat(CommandCodec.parse(input)).isNotNull())
            .as(new String(input, StandardCharsets.ISO_8859_1))
            .doesNotThrowAnyException();
      }
    }

    @Test
    void shouldNeverThrowOnJsonTestSuiteFiles() throws IOException {
      // given
      Path dir =
          Stream.of(
                  Path.of("../../shared/testdata/jsontestsuite/test_parsing"),
                  Path.of("../shared/testdata/jsontestsuite/test_parsing"))
              .filter(Files::isDirectory)
              .findFirst()
              .orElse(null);
      assumeTrue(dir != null, "JSONTestSuite (shared/testdata) not found");
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      }
      assertThat(files).hasSizeGreaterThan(100);

      for (Path file : files) {
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();

        // when
        ParsedCommand parsed = CommandCodec.parse(bytes);

        // then: none is a command; the n_ files with content are never mistaken for JSON objects
        ParsedCommand.Invalid invalid = invalid(parsed);
        assertThat(invalid.message()).as(name).isNotBlank();
        if (name.startsWith("n_") && !new String(bytes, StandardCharsets.ISO_8859_1).isBlank()) {
          assertThat(invalid.message()).as(name).isNotEqualTo("command must be a JSON object");
        }
      }
    }
  }
}
