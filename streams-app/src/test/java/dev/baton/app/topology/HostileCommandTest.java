package dev.baton.app.topology;

import static dev.baton.app.topology.CommandFixtures.bytes;
import static dev.baton.app.topology.CommandFixtures.create;
import static dev.baton.app.topology.CommandFixtures.patch;
import static dev.baton.app.topology.CommandFixtures.taskKey;
import static dev.baton.app.topology.CommandFixtures.transition;
import static dev.baton.app.topology.CommandFixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.topology.TopologyHarness.Reply;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.Topics;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever lands on {@code baton.commands}, the topology answers (an {@code INVALID} outcome when
 * the command id can be read, a {@code command.rejected} event otherwise), changes nothing, and
 * goes on processing good commands.
 */
class HostileCommandTest {
  private static final String T1 = "T1";
  private static final String K1 = taskKey(T1);

  @TempDir Path stateDir;
  private TopologyHarness app;
  private int goodCommands;

  @BeforeEach
  void open() {
    app = new TopologyHarness(stateDir);
  }

  @AfterEach
  void close() {
    app.close();
  }

  /** The topology is alive: a fresh, valid create is accepted with its event. */
  private void assertStillProcessesGoodCommands() {
    String taskId = "alive-" + (++goodCommands);
    Reply reply = app.send(create("alice", taskId, "still alive"));
    assertThat(reply.outcome().code()).as(reply.outcome().message()).isEqualTo(OutcomeCode.OK);
    assertThat(reply.event().type()).isEqualTo(EventType.TASK_CREATED);
    assertThat(app.task(taskKey(taskId))).isNotNull();
  }

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  private static byte[] nested(int depth) {
    return ("{\"id\":\"deep\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Nested
  class UnreadableRecords {

    static Stream<Arguments> unreadable() {
      ObjectNode valid = create("alice", T1, "x");
      String validJson = valid.toString();
      return Stream.of(
          Arguments.of("malformed JSON", bytes("{\"id\": \"c1\", \"type\": "), "not valid JSON"),
          Arguments.of("unterminated string", bytes("{\"id\": \"c1"), "not valid JSON"),
          Arguments.of("JSON array", bytes("[1, 2, 3]"), "JSON object"),
          Arguments.of("JSON string", bytes("\"task.create\""), "JSON object"),
          Arguments.of("JSON number", bytes("42"), "JSON object"),
          Arguments.of("JSON null literal", bytes("null"), "JSON object"),
          Arguments.of("JSON true literal", bytes("true"), "JSON object"),
          Arguments.of("empty value", new byte[0], "empty"),
          Arguments.of("null value", null, "empty"),
          Arguments.of("whitespace only", bytes("  \n "), "command"),
          Arguments.of(
              "invalid UTF-8", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, "JSON"),
          Arguments.of("binary garbage", new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xFE}, "JSON"),
          Arguments.of("trailing garbage", bytes(validJson + " trailing"), "not valid JSON"),
          Arguments.of("two documents", bytes(validJson + validJson), "not valid JSON"),
          Arguments.of(
              "duplicate key",
              bytes("{\"id\": \"c1\", \"id\": \"c2\", \"type\": \"task.claim\"}"),
              "Duplicate"),
          Arguments.of(
              "nesting depth 10000",
              nested(10_000),
              "nests deeper than " + Json.MAX_NESTING_DEPTH + " levels"),
          Arguments.of(
              "nesting depth 33",
              nested(33),
              "nests deeper than " + Json.MAX_NESTING_DEPTH + " levels"),
          Arguments.of(
              "document over Json.MAX_DOCUMENT_BYTES",
              bytes(
                  "{\"id\": \"c1\", \"pad\": \""
                      + repeat('x', Json.MAX_DOCUMENT_BYTES + 1)
                      + "\"}"),
              String.valueOf(Json.MAX_DOCUMENT_BYTES)),
          Arguments.of(
              "string over Json.MAX_STRING_LENGTH",
              bytes(
                  "{\"id\": \"c1\", \"pad\": \"" + repeat('x', Json.MAX_STRING_LENGTH + 1) + "\"}"),
              "a string is longer than " + Json.MAX_STRING_LENGTH + " characters"),
          Arguments.of(
              "number over Json.MAX_NUMBER_LENGTH",
              bytes("{\"id\": \"c1\", \"n\": " + repeat('9', 1000) + "}"),
              "a number is longer than " + Json.MAX_NUMBER_LENGTH + " characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void shouldAnswerUnreadableRecordWithRejectedEvent(String name, byte[] value, String reason) {
      // when
      Reply reply = app.send(K1, value);

      // then
      assertThat(reply.outcomes()).isEmpty();
      Event event = reply.event();
      assertThat(event.type()).isEqualTo(EventType.COMMAND_REJECTED);
      assertThat(event.key()).isEqualTo(K1);
      assertThat(event.version()).isNull();
      assertThat(event.commandId()).isNull();
      assertThat(event.id()).startsWith("rejected:" + Topics.COMMANDS + "-0@");
      assertThat(event.data().path("reason").asText()).containsIgnoringCase(reason);
      assertThat(event.data().path("topic").asText()).isEqualTo(Topics.COMMANDS);
      assertThat(event.data().has("offset")).isTrue();
      assertThat(app.task(K1)).isNull();
      assertStillProcessesGoodCommands();
    }

    static Stream<Arguments> unusableIds() {
      return Stream.of(
          Arguments.of("empty id", "", "id must not be empty"),
          Arguments.of(
              "id over 256 characters",
              repeat('a', Names.MAX_ID_LENGTH + 1),
              "limit is " + Names.MAX_ID_LENGTH),
          Arguments.of("id with control character", "c1\u0001", "U+0001"),
          Arguments.of("id with newline", "c1\nforged", "U+000A"),
          Arguments.of("id '..'", "..", "not a valid id"),
          Arguments.of("id '.'", ".", "not a valid id"),
          Arguments.of("id with slash", "default/task/T1", "'/'"),
          Arguments.of("id with space", "c 1", "U+0020"),
          Arguments.of("id with non-ASCII letter", "cömmand", "'ö'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableIds")
    void shouldAnswerCommandWithUnusableIdWithRejectedEvent(String name, String id, String reason) {
      // given
      ObjectNode command = create("alice", T1, "x");
      command.put("id", id);

      // when
      Reply reply = app.send(command);

      // then
      assertThat(reply.outcomes()).isEmpty();
      Event event = reply.event();
      assertThat(event.type()).isEqualTo(EventType.COMMAND_REJECTED);
      String echoed = event.data().path("reason").asText();
      assertThat(echoed).contains("id").contains(reason);
      assertThat(echoed).doesNotContain("\u0001").doesNotContain("\n");
      assertThat(app.task(K1)).isNull();
      assertStillProcessesGoodCommands();
    }

    @Test
    void shouldAnswerCommandWithoutIdWithRejectedEvent() {
      // given
      ObjectNode command = create("alice", T1, "x");
      command.remove("id");

      // when
      Reply reply = app.send(command);

      // then
      assertThat(reply.outcomes()).isEmpty();
      assertThat(reply.event().data().path("reason").asText()).contains("id");
      assertThat(app.task(K1)).isNull();
      assertStillProcessesGoodCommands();
    }

    @Test
    void shouldAnswerCommandWithNumericIdWithRejectedEvent() {
      // given
      ObjectNode command = create("alice", T1, "x");
      command.put("id", 5);

      // when
      Reply reply = app.send(command);

      // then
      assertThat(reply.outcomes()).isEmpty();
      assertThat(reply.event().data().path("reason").asText()).contains("id");
      assertStillProcessesGoodCommands();
    }

    @Test
    void shouldKeyRejectedEventOfKeylessRecord() {
      // when
      Reply reply = app.send(null, bytes("not json"));

      // then
      assertThat(reply.outcomes()).isEmpty();
      assertThat(reply.event().key()).isEqualTo("unknown");
      assertThat(reply.events().get(0).key).isEqualTo("unknown");
      assertStillProcessesGoodCommands();
    }

    @Test
    void shouldGiveEveryRejectedRecordItsOwnEventId() {
      // when
      Event first = app.send(K1, bytes("x")).event();
      Event second = app.send(K1, bytes("x")).event();

      // then
      assertThat(first.id()).isNotEqualTo(second.id());
    }
  }

  @Nested
  class ReadableIdInvalidCommand {

    static Arguments invalid(String name, Consumer<ObjectNode> breakIt, String message) {
      return Arguments.of(name, breakIt, message);
    }

    static ObjectNode body(ObjectNode command) {
      return (ObjectNode) command.get("body");
    }

    static Stream<Arguments> invalidCommands() {
      return Stream.of(
          invalid("unknown type", c -> c.put("type", "task.explode"), "task.explode"),
          invalid("missing type", c -> c.remove("type"), "type"),
          invalid("numeric type", c -> c.put("type", 5), "type"),
          invalid(
              "expectedVersion as string", c -> c.put("expectedVersion", "5"), "expectedVersion"),
          invalid("expectedVersion -1", c -> c.put("expectedVersion", -1), "expectedVersion"),
          invalid("expectedVersion 0", c -> c.put("expectedVersion", 0), "expectedVersion"),
          invalid(
              "expectedVersion beyond long",
              c -> c.put("expectedVersion", new BigInteger("9223372036854775808")),
              "expectedVersion"),
          invalid(
              "expectedVersion as object", c -> c.putObject("expectedVersion"), "expectedVersion"),
          invalid("issuedAt not a time", c -> c.put("issuedAt", "yesterday"), "issuedAt"),
          invalid("missing agent", c -> c.remove("agent"), "agent"),
          invalid("agent with slash", c -> c.put("agent", "a/b"), "agent"),
          invalid("agent as number", c -> c.put("agent", 7), "agent"),
          invalid("workspace '..'", c -> c.put("workspace", ".."), "workspace"),
          invalid("workspace empty", c -> c.put("workspace", ""), "workspace"),
          invalid(
              "workspace over 256",
              c -> c.put("workspace", repeat('w', Names.MAX_ID_LENGTH + 1)),
              "workspace"),
          invalid(
              "replyTo partition -1",
              c -> c.putObject("replyTo").put("partition", -1),
              "replyTo.partition"),
          invalid("replyTo as string", c -> c.put("replyTo", "me"), "replyTo"),
          invalid(
              "fence token 0",
              c -> c.putObject("fence").put("resource", "src/A.java").put("token", 0),
              "fence.token"),
          invalid(
              "fence absolute resource",
              c -> c.putObject("fence").put("resource", "/etc/passwd").put("token", 1),
              "fence.resource"),
          invalid(
              "fence '..' resource",
              c -> c.putObject("fence").put("resource", "src/../../etc").put("token", 1),
              "fence.resource"),
          invalid("missing body", c -> c.remove("body"), "body"),
          invalid("null body", c -> c.putNull("body"), "body"),
          invalid("body as string", c -> c.put("body", "T1"), "body"),
          invalid("body as array", c -> c.putArray("body"), "body"),
          invalid("title as number", c -> body(c).put("title", 5), "title"),
          invalid("missing title", c -> body(c).remove("title"), "title"),
          invalid("blank title", c -> body(c).put("title", "   "), "title"),
          invalid(
              "title over limit",
              c -> body(c).put("title", repeat('t', CommandBodies.MAX_TITLE_LENGTH + 1)),
              "title"),
          invalid(
              "description over limit",
              c -> body(c).put("description", repeat('d', CommandBodies.MAX_TEXT_LENGTH + 1)),
              "description"),
          invalid("priority as string", c -> body(c).put("priority", "high"), "priority"),
          invalid("priority beyond int", c -> body(c).put("priority", 99_999_999_999L), "priority"),
          invalid("labels as string", c -> body(c).put("labels", "a"), "labels"),
          invalid("label with slash", c -> body(c).putArray("labels").add("a/b"), "labels"),
          invalid("null label", c -> body(c).putArray("labels").addNull(), "labels"),
          invalid(
              "too many labels",
              c -> {
                ArrayNode labels = body(c).putArray("labels");
                for (int i = 0; i <= CommandBodies.MAX_LIST_SIZE; i++) {
                  labels.add("l" + i);
                }
              },
              "labels"),
          invalid("dependsOn '..'", c -> body(c).putArray("dependsOn").add(".."), "dependsOn"),
          invalid("fields as array", c -> body(c).putArray("fields"), "fields"),
          invalid(
              "fields over limit",
              c -> body(c).putObject("fields").put("big", repeat('f', 70_000)),
              "fields"),
          invalid("unknown body field", c -> body(c).put("titel", "typo"), "titel"),
          invalid("missing taskId", c -> body(c).remove("taskId"), "taskId"),
          invalid("empty taskId", c -> body(c).put("taskId", ""), "taskId"),
          invalid(
              "taskId over 256",
              c -> body(c).put("taskId", repeat('t', Names.MAX_ID_LENGTH + 1)),
              "taskId"),
          invalid("taskId with control character", c -> body(c).put("taskId", "T\u0007"), "taskId"),
          invalid("taskId '..'", c -> body(c).put("taskId", ".."), "taskId"),
          invalid("taskId with slash", c -> body(c).put("taskId", "../lock/x"), "taskId"),
          invalid("taskId as number", c -> body(c).put("taskId", 1), "taskId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCommands")
    void shouldAnswerInvalidCommandWithInvalidOutcomeNamingTheProblem(
        String name, Consumer<ObjectNode> breakIt, String expectedInMessage) {
      // given
      ObjectNode command = create("alice", T1, "x");
      breakIt.accept(command);
      String id = command.get("id").asText();

      // when
      Reply reply = app.send(K1, bytes(command));

      // then
      Outcome outcome = reply.outcome();
      assertThat(reply.outcomes().get(0).key).isEqualTo(id);
      assertThat(outcome.commandId()).isEqualTo(id);
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(outcome.message()).contains(expectedInMessage);
      assertThat(outcome.message()).doesNotContain("\u0007");
      assertThat(outcome.message().length()).isLessThan(1000);
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1)).isNull();
      assertStillProcessesGoodCommands();
    }

    @Test
    void shouldNameTheUnknownTypeOfCommand() {
      // given
      ObjectNode command = create("alice", T1, "x");
      command.put("type", "task.explode");

      // when
      Outcome outcome = app.send(K1, bytes(command)).outcome();

      // then
      assertThat(outcome.commandType()).isNull();
      assertThat(outcome.message()).contains("unknown command type 'task.explode'");
    }

    @Test
    void shouldCarryTheCommandTypeWhenOnlyTheBodyIsBroken() {
      // given
      ObjectNode command = create("alice", T1, "x");
      body(command).put("titel", "typo");

      // when
      Outcome outcome = app.send(K1, bytes(command)).outcome();

      // then
      assertThat(outcome.commandType()).hasToString("TASK_CREATE");
      assertThat(outcome.message()).contains("unknown field 'titel'").contains("task.create");
    }

    @Test
    void shouldRejectCommandWhoseRecordKeyIsNotItsAggregateKey() {
      // given
      ObjectNode command = create("alice", T1, "x");

      // when
      Reply reply = app.send(taskKey("T2"), bytes(command));

      // then
      Outcome outcome = reply.outcome();
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(outcome.message()).contains("default/task/T2").contains("default/task/T1");
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1)).isNull();
      assertThat(app.task(taskKey("T2"))).isNull();
      assertStillProcessesGoodCommands();
    }

    @Test
    void shouldRejectValidCommandWithoutRecordKey() {
      // given
      ObjectNode command = create("alice", T1, "x");

      // when
      Reply reply = app.send(null, bytes(command));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("record key");
      assertThat(app.task(K1)).isNull();
      assertStillProcessesGoodCommands();
    }

    @Test
    void shouldRejectMaximalExpectedVersionAsAheadOfTask() {
      // given
      app.send(create("alice", T1, "x"));
      ObjectNode command = update("bob", T1, Long.MAX_VALUE, patch("{\"title\": \"y\"}"));

      // when
      Reply reply = app.send(command);

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.VERSION_CONFLICT);
      assertThat(reply.outcome().message()).contains(String.valueOf(Long.MAX_VALUE));
      assertThat(reply.events()).isEmpty();
      assertThat(app.task(K1).version()).isEqualTo(1L);
    }

    @Test
    void shouldRejectTransitionToUnknownStatusNamingTheField() {
      // given
      app.send(create("alice", T1, "x"));

      // when
      Reply reply = app.send(transition("bob", T1, "done"));

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("to");
      assertThat(app.task(K1).status()).hasToString("OPEN");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fractionalIntegers")
    void shouldRejectFractionalNumberForIntegerField(
        String field, Consumer<ObjectNode> breakIt, String expectedInMessage) {
      // given
      ObjectNode command = create("alice", T1, "x");
      breakIt.accept(command);

      // when
      Reply reply = app.send(command);

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains(expectedInMessage);
      assertThat(app.task(K1)).isNull();
    }

    static Stream<Arguments> fractionalIntegers() {
      return Stream.of(
          invalid("expectedVersion", c -> c.put("expectedVersion", 1.5), "expectedVersion"),
          invalid("priority", c -> body(c).put("priority", 2.7), "priority"),
          invalid(
              "replyTo.partition", c -> c.putObject("replyTo").put("partition", 0.5), "partition"));
    }

    @Test
    void shouldRejectUnknownEnvelopeFieldSoTyposNeverPassSilently() {
      // given
      app.send(create("alice", T1, "x"));
      app.send(update("alice", T1, 1L, patch("{\"title\": \"alice\"}")));
      ObjectNode stale = update("bob", T1, null, patch("{\"title\": \"bob\"}"));
      stale.put("expectedVersoin", 1);

      // when
      Reply reply = app.send(stale);

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(reply.outcome().message()).contains("expectedVersoin");
      assertThat(app.task(K1).title()).isEqualTo("alice");
    }
  }

  @Nested
  class Limits {

    @Test
    void shouldAcceptNestingUpToTheLimitAndKeepItsOutputsReadable() {
      // given: root, body, fields and 29 more levels: exactly Json.MAX_NESTING_DEPTH
      ObjectNode command = create("alice", T1, "x");
      ObjectNode level = ((ObjectNode) command.get("body")).putObject("fields");
      for (int depth = 3; depth < Json.MAX_NESTING_DEPTH; depth++) {
        level = level.putObject("d");
      }

      // when
      Reply reply = app.send(command);

      // then
      assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.OK);
      assertThat(reply.event().data().path("fields").path("d").isObject()).isTrue();
      assertThat(app.task(K1).fields().path("d").isObject()).isTrue();
      Reply retry = app.send(command);
      assertThat(retry.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
    }

    @Test
    void shouldNeverLetATaskGrowPastWhatCanBeReadBack() {
      // given: a description at its limit that takes 6 bytes per character in JSON
      ObjectNode create = create("alice", T1, "big");
      ((ObjectNode) create.get("body"))
          .put("description", repeat('\u0001', CommandBodies.MAX_TEXT_LENGTH));
      assertThat(bytes(create).length).isLessThan(Json.MAX_DOCUMENT_BYTES);
      assertThat(app.send(create).outcome().code()).isEqualTo(OutcomeCode.OK);
      // and fields within their limit that take 3 bytes per character
      ObjectNode grow = update("alice", T1, 1L, patch("{}"));
      ((ObjectNode) grow.get("body").get("patch"))
          .putObject("fields")
          .put("notes", repeat('\u20AC', 60_000));

      // when
      Reply reply = app.send(grow);

      // then: either refused, or the task stays readable and writable
      if (reply.outcome().status() == OutcomeStatus.REJECTED) {
        assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      }
      Reply next = app.send(update("alice", T1, null, patch("{\"title\": \"still usable\"}")));
      assertThat(next.outcome().code()).isEqualTo(OutcomeCode.OK);
      assertThat(app.task(K1).title()).isEqualTo("still usable");
    }
  }

  @Nested
  class JsonTestSuiteFiles {

    @Test
    void shouldAnswerEveryJsonTestSuiteFileAndKeepRunning() {
      // given
      List<Path> files = JsonTestSuite.files();
      assertThat(files).hasSizeGreaterThan(100);

      for (Path file : files) {
        // when
        Reply reply = app.send(K1, JsonTestSuite.read(file));

        // then
        assertThat(reply.outcomes().size() + reply.events().size())
            .as("outputs for %s", file.getFileName())
            .isEqualTo(1);
        if (!reply.events().isEmpty()) {
          assertThat(reply.event().type()).isEqualTo(EventType.COMMAND_REJECTED);
        } else {
          assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
        }
      }
      assertThat(app.task(K1)).isNull();
      assertStillProcessesGoodCommands();
    }
  }
}
