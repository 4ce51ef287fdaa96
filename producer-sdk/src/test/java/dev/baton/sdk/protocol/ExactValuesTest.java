package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values in {@code fields} are kept as sent: a number goes through the command's JSON, the stored
 * task's JSON and back without turning into a {@code double}; numbers no store can keep exactly and
 * text that is not valid Unicode are refused, naming the field.
 */
class ExactValuesTest {

  private static byte[] createWith(String fieldsJson) {
    return ("{\"id\":\"c-1\",\"type\":\"task.create\",\"agent\":\"a\",\"body\":"
            + "{\"taskId\":\"t-1\",\"title\":\"t\",\"fields\":"
            + fieldsJson
            + "}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static ParsedCommand parse(String fieldsJson) {
    return CommandCodec.parse(createWith(fieldsJson));
  }

  /** The {@code fields} of a command after it was written to the topic and read again. */
  private static ObjectNode afterRoundTrip(String fieldsJson) {
    ParsedCommand first = parse(fieldsJson);
    assertThat(first).as(String.valueOf(first)).isInstanceOf(ParsedCommand.Valid.class);
    byte[] written = CommandCodec.write(((ParsedCommand.Valid) first).command());
    ParsedCommand second = CommandCodec.parse(written);
    CommandBodies.TaskCreate body =
        (CommandBodies.TaskCreate) ((ParsedCommand.Valid) second).body();
    return body.fields();
  }

  @Nested
  class Numbers {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "1e400",
          "1.000000000000000000001",
          "123456789012345678.5",
          "1e-400",
          "1.50",
          "100.0",
          "-0.0",
          "12345678901234567890123456789012"
        })
    void shouldKeepEveryNumberExactlyAsSent(String number) {
      ObjectNode fields = afterRoundTrip("{\"n\":" + number + "}");

      JsonNode n = fields.get("n");
      assertThat(n.isNumber()).isTrue();
      assertThat(n.decimalValue()).isEqualTo(new BigDecimal(number));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "1.000000000000000000001", "123456789012345678.5", "1e-400"})
    void shouldKeepNumbersThroughTheStoredTask(String number) throws Exception {
      ObjectNode fields = afterRoundTrip("{\"n\":" + number + "}");
      Task task =
          new Task(
              "t-1",
              "default",
              "t",
              null,
              TaskStatus.OPEN,
              null,
              null,
              List.of(),
              List.of(),
              fields,
              1,
              "a",
              Instant.EPOCH,
              "a",
              Instant.EPOCH,
              java.util.Map.of());

      byte[] stored = Json.mapper().writeValueAsBytes(task);
      Task read = Json.mapper().readValue(stored, Task.class);

      assertThat(read.fields().get("n").decimalValue()).isEqualTo(new BigDecimal(number));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e1000", "1e-1001", "0e-2000", "-5e1200"})
    void shouldRefuseNumbersNoStoreCanKeepNamingTheField(String number) {
      ParsedCommand parsed = parse("{\"deep\":{\"n\":[1," + number + "]}}");

      assertThat(parsed).isInstanceOf(ParsedCommand.Invalid.class);
      assertThat(((ParsedCommand.Invalid) parsed).message())
          .startsWith("body.fields.deep.n[1] is out of range")
          .contains("the limit is 1000");
    }

    @Property(tries = 300)
    void shouldKeepAnyAcceptedNumber(@ForAll("numbers") BigDecimal number) {
      String sent = number.toString();

      ParsedCommand parsed = parse("{\"n\":" + sent + "}");

      if (parsed instanceof ParsedCommand.Valid) {
        assertThat(afterRoundTrip("{\"n\":" + sent + "}").get("n").decimalValue())
            .isEqualTo(number);
      } else {
        assertThat(((ParsedCommand.Invalid) parsed).message()).contains("body.fields.n");
      }
    }

    @Provide
    Arbitrary<BigDecimal> numbers() {
      return Arbitraries.bigIntegers()
          .between(
              new java.math.BigInteger("-99999999999999999999"),
              new java.math.BigInteger("99999999999999999999"))
          .flatMap(
              unscaled ->
                  Arbitraries.integers()
                      .between(-1200, 1200)
                      .map(scale -> new BigDecimal(unscaled, scale)));
    }
  }

  @Nested
  class Text {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"title\":\"x\\ud800y\"}",
          "{\"title\":\"x\\udc00\"}",
          "{\"fields\":{\"k\":\"\\ud83d\"}}",
          "{\"fields\":{\"k\\udfff\":1}}",
          "{\"labels\":[\"\\ud800\"]}"
        })
    void shouldRefuseUnpairedSurrogatesAnywhereInTheBody(String extra) throws Exception {
      ObjectNode body = (ObjectNode) Json.mapper().readTree("{\"taskId\":\"t-1\",\"title\":\"t\"}");
      body.setAll((ObjectNode) Json.mapper().readTree(extra));
      ObjectNode cmd = Json.mapper().createObjectNode();
      cmd.put("id", "c-1").put("type", "task.create").put("agent", "a").set("body", body);

      ParsedCommand parsed = CommandCodec.parse(cmd);

      assertThat(parsed).isInstanceOf(ParsedCommand.Invalid.class);
      assertThat(((ParsedCommand.Invalid) parsed).message())
          .contains("unpaired surrogate")
          .contains("body.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"c-\\ud800\"", "\"a\\udc00\""})
    void shouldRefuseUnpairedSurrogatesInIds(String id) {
      byte[] raw =
          ("{\"id\":"
                  + id
                  + ",\"type\":\"task.claim\",\"agent\":\"a\",\"body\":{\"taskId\":\"t\"}}")
              .getBytes(StandardCharsets.UTF_8);

      assertThat(CommandCodec.parse(raw)).isInstanceOf(ParsedCommand.Invalid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud83d\\ude00", "plain", "\\u00e9t\\u00e9"})
    void shouldKeepValidTextAsSent(String escaped) throws Exception {
      String expected = Json.mapper().readTree("\"" + escaped + "\"").textValue();

      ObjectNode fields = afterRoundTrip("{\"k\":\"" + escaped + "\"}");

      assertThat(fields.get("k").textValue()).isEqualTo(expected);
    }
  }
}
