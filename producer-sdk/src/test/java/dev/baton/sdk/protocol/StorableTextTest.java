package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** NUL is refused anywhere in a command body; every other character is accepted as sent. */
class StorableTextTest {
  private static ObjectNode command(String type, String bodyJson) throws Exception {
    ObjectNode cmd = Json.mapper().createObjectNode();
    cmd.put("id", "c-1").put("type", type).put("agent", "alice");
    cmd.set("body", Json.mapper().readTree(bodyJson));
    return cmd;
  }

  static Stream<Arguments> nulAnywhere() {
    return Stream.of(
        Arguments.of("task.create", "{\"taskId\":\"t\",\"title\":\"a\\u0000b\"}", "body.title"),
        Arguments.of(
            "task.create",
            "{\"taskId\":\"t\",\"title\":\"t\",\"description\":\"\\u0000\"}",
            "body.description"),
        Arguments.of(
            "task.create",
            "{\"taskId\":\"t\",\"title\":\"t\",\"labels\":[\"ok\",\"x\\u0000\"]}",
            "body.labels[1]"),
        Arguments.of(
            "task.create",
            "{\"taskId\":\"t\",\"title\":\"t\",\"fields\":{\"k\":{\"deep\":\"\\u0000\"}}}",
            "body.fields.k.deep"),
        Arguments.of(
            "task.create",
            "{\"taskId\":\"t\",\"title\":\"t\",\"fields\":{\"k\\u0000\":1}}",
            "a field name in body.fields"),
        Arguments.of(
            "task.update",
            "{\"taskId\":\"t\",\"patch\":{\"title\":\"\\u0000\"}}",
            "body.patch.title"),
        Arguments.of(
            "decision.record", "{\"title\":\"d\",\"decision\":\"x\\u0000\"}", "body.decision"),
        Arguments.of(
            "event.emit", "{\"name\":\"n\",\"payload\":{\"p\":\"\\u0000\"}}", "body.payload.p"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("nulAnywhere")
  void shouldRefuseNulNamingWhereItIs(String type, String body, String path) throws Exception {
    ParsedCommand parsed = CommandCodec.parse(command(type, body));

    assertThat(parsed).isInstanceOf(ParsedCommand.Invalid.class);
    assertThat(((ParsedCommand.Invalid) parsed).message())
        .startsWith(path + " contains U+0000 (NUL) at index")
        .contains("cannot store");
  }

  static Stream<String> otherControlCharacters() {
    StringBuilder all = new StringBuilder();
    for (char c = 1; c < 0x20; c++) {
      all.append(c);
    }
    all.append('\u007f');
    for (char c = 0x80; c < 0xa0; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029");
    return Stream.of("tab\there", "lines\nand\r\nbreaks", "\u0001\u001f\u007f", all.toString());
  }

  @ParameterizedTest
  @MethodSource("otherControlCharacters")
  void shouldAcceptEveryOtherCharacterAsSent(String text) throws Exception {
    ObjectNode cmd = command("task.create", "{\"taskId\":\"t\",\"title\":\"t\"}");
    ((ObjectNode) cmd.get("body")).put("description", text);
    ((ObjectNode) cmd.get("body")).putObject("fields").put("k", text);

    ParsedCommand parsed =
        CommandCodec.parse(
            Json.mapper()
                .readTree(CommandCodec.write(Json.mapper().treeToValue(cmd, Command.class))));

    assertThat(parsed).isInstanceOf(ParsedCommand.Valid.class);
    ObjectNode body = ((ParsedCommand.Valid) parsed).command().body();
    assertThat(body.path("description").asText()).isEqualTo(text);
    assertThat(body.path("fields").path("k").asText()).isEqualTo(text);
  }
}
