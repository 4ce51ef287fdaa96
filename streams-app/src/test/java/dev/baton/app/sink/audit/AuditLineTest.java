package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.topology.JsonTestSuite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuditLineTest {
  private static final String EVENT =
      "{\"id\":\"c-1:0\",\"type\":\"task.updated\",\"key\":\"default/task/login\",\"version\":3,"
          + "\"agent\":\"alice\",\"at\":\"2026-11-28T02:00:00Z\",\"data\":{\"id\":\"login\","
          + "\"title\":\"Fix the login — ünïcödé \\\"quoted\\\" \\n\",\"labels\":[\"a\",\"b\"],"
          + "\"fields\":{\"n\":1.5e3,\"ok\":true,\"none\":null},\"version\":3}}";

  private final AuditLineEncoder encoder = new AuditLineEncoder();

  @Test
  void shouldKeepOneLineJsonByteForByte() throws Exception {
    byte[] value = EVENT.getBytes(StandardCharsets.UTF_8);

    AuditLine line = roundTrip("default/task/login", value);

    assertThat(line.eventBytes()).isEqualTo(value);
    assertThat(line.hasJsonEvent()).isTrue();
    assertThat(line.event()).isEqualTo(AuditLine.mapper().readTree(value));
    assertThat(line.key()).isEqualTo("default/task/login");
  }

  @Test
  void shouldKeepSpacesAndTabsBetweenTokensOnOneLine() throws Exception {
    byte[] value = "{ \"a\" :\t[1, 2] }".getBytes(StandardCharsets.UTF_8);

    AuditLine line = roundTrip("k", value);

    assertThat(line.eventBytes()).isEqualTo(value);
    assertThat(line.event().path("a").get(1).asInt()).isEqualTo(2);
  }

  @Test
  void shouldWriteJsonOnSeveralLinesCompactly() throws Exception {
    byte[] value = "{\n  \"a\": 1,\r\n  \"b\": \"x\"\n}\n".getBytes(StandardCharsets.UTF_8);

    AuditLine line = roundTrip("k", value);

    assertThat(new String(line.eventBytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":1,\"b\":\"x\"}");
  }

  @Test
  void shouldWriteJsonInUtf16OrWithByteOrderMarkAsUtf8() throws Exception {
    byte[] utf16 = "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_16BE);
    byte[] bom = ("\uFEFF{\"a\":\"é\"}").getBytes(StandardCharsets.UTF_8);

    assertThat(new String(roundTrip("k", utf16).eventBytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":\"é\"}");
    assertThat(new String(roundTrip("k", bom).eventBytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":\"é\"}");
  }

  @Test
  void shouldKeepValuesThatAreNotJsonAsRaw() throws Exception {
    byte[] invalidUtf8 = {'"', (byte) 0xC3, '"'};
    for (byte[] value :
        new byte[][] {
          "not json".getBytes(StandardCharsets.UTF_8),
          "{\"a\":1}{\"b\":2}".getBytes(StandardCharsets.UTF_8),
          invalidUtf8,
          new byte[0],
          {0, 1, 2, (byte) 0xFF}
        }) {
      AuditLine line = roundTrip("k", value);

      assertThat(line.hasJsonEvent()).as(Arrays.toString(value)).isFalse();
      assertThat(line.raw()).isEqualTo(value);
      assertThat(line.event()).isNull();
    }
  }

  @Test
  void shouldKeepDuplicateKeysInsideAnEventLastOneWinsOnReading() throws Exception {
    byte[] value = "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);

    AuditLine line = roundTrip("k", value);

    assertThat(line.eventBytes()).isEqualTo(value);
    assertThat(line.event().get("a").asInt()).isEqualTo(2);
  }

  @Test
  void shouldKeepScalarAndArrayEventsByteForByte() throws Exception {
    for (String json : new String[] {"1e400", "-0.50", "\"text \\\" q\"", "true", "[1, [2]]"}) {
      byte[] value = json.getBytes(StandardCharsets.UTF_8);

      assertThat(roundTrip("k", value).eventBytes()).as(json).isEqualTo(value);
    }
  }

  @Test
  void shouldWriteReadableLinesForDeepValuesAndLongNames() throws Exception {
    String deep = "[".repeat(64) + "\n" + "]".repeat(64);
    byte[] longName = ("{\"" + "n".repeat(60_000) + "\":1}").getBytes(StandardCharsets.UTF_8);

    assertThat(roundTrip("k", deep.getBytes(StandardCharsets.UTF_8)).hasJsonEvent())
        .as("too deep to nest in a line: kept as raw")
        .isFalse();
    assertThat(roundTrip("k", longName).eventBytes()).isEqualTo(longName);
  }

  @Test
  void shouldWriteNullValueAndNullKey() throws Exception {
    AuditLine line = roundTrip(null, null);

    assertThat(line.hasJsonEvent()).isTrue();
    assertThat(line.event()).isNull();
    assertThat(line.eventBytes()).isNull();
    assertThat(line.key()).isNull();
  }

  @Test
  void shouldWriteNumbersInDecimal() {
    for (long v :
        new long[] {0, 7, 9, 10, 99, 100, -1, -10, 123456789012L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      LineBuffer b = new LineBuffer();
      b.write('x');

      b.writeDecimal(v);

      assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("x" + v);
    }
  }

  @Test
  void shouldEscapeKeys() throws Exception {
    String key = "ws/task/\"quoted\"\\back\u0001\nλ";

    assertThat(roundTrip(key, "{}".getBytes(StandardCharsets.UTF_8)).key()).isEqualTo(key);
  }

  @Test
  void shouldAgreeWithJacksonOnEveryJsonTestSuiteFile() throws Exception {
    for (Path file : JsonTestSuite.files()) {
      byte[] value = JsonTestSuite.read(file);
      JsonNode expected = jacksonTreeOrNull(value);

      AuditLine line = roundTrip("k", value);

      if (expected == null) {
        assertThat(line.raw()).as(file.getFileName().toString()).isEqualTo(value);
      } else {
        assertThat(line.hasJsonEvent()).as(file.getFileName().toString()).isTrue();
        assertThat(line.event() == null ? AuditLine.mapper().nullNode() : line.event())
            .as(file.getFileName().toString())
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void shouldAlwaysWriteReadableLinesForDamagedValues() throws Exception {
    Random random = new Random(7);
    byte[] valid = EVENT.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 20_000; i++) {
      byte[] value = valid.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        value[random.nextInt(value.length)] = (byte) random.nextInt(256);
      }
      JsonNode expected = jacksonTreeOrNull(value);

      AuditLine line = roundTrip("k", value);

      if (expected == null) {
        assertThat(line.raw()).as("case %d", i).isEqualTo(value);
      } else {
        assertThat(line.event()).as("case %d", i).isEqualTo(expected);
      }
    }
  }

  @Test
  void shouldRefuseLinesThatBreakTheFormat() throws Exception {
    byte[] good = line("k", "{\"a\":1}");
    String text = new String(good, StandardCharsets.UTF_8);

    assertRefused(text.replace("\"v\":1", "\"v\":2"), "unsupported format version 2");
    assertRefused(text.replace("\"key\":\"k\"", "\"key\":1"), "\"key\" must be a string or null");
    assertRefused(
        text.replace("\"key\":\"k\"", "\"key\":\"k\",\"extra\":[1]"), "unexpected fields [extra]");
    assertRefused(text.replace("\"offset\":5", "\"offset\":5.5"), "\"offset\" must be an integer");
    assertRefused(
        text.replace("\"partition\":2", "\"partition\":-2"),
        "\"partition\" must be a non-negative int");
    assertRefused(text.replace("\"ts\":9,", ""), "\"ts\" is missing");
    assertRefused(
        text.replace("\"event\":{\"a\":1}", "\"event\":{\"a\":1},\"raw\":\"AA==\""),
        "exactly one of \"event\" and \"raw\" must be present");
    assertRefused(text.replace("\"key\":\"k\"", "\"key\":\"k\",\"key\":\"j\""), "not JSON");
    assertRefused(text.replace("{\"a\":1}", "{\"a\":1,}"), "not JSON");
    assertRefused(text.replace("{\"a\":1}", "{\"a\":2}"), "hash to");
  }

  private void assertRefused(String line, String message) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> AuditLine.parse(bytes, bytes.length))
        .isInstanceOf(AuditLine.BadLineException.class)
        .hasMessageContaining(message);
  }

  private byte[] line(String key, String event) {
    AuditLineEncoder.Encoded e =
        encoder.encode(2, 5, 9, key, event.getBytes(StandardCharsets.UTF_8), AuditLine.GENESIS);
    return Arrays.copyOf(e.buf(), e.length() - 1);
  }

  private AuditLine roundTrip(String key, byte[] value) throws AuditLine.BadLineException {
    AuditLineEncoder.Encoded e = encoder.encode(2, 5, 9, key, value, AuditLine.GENESIS);
    assertThat(e.buf()[e.length() - 1]).isEqualTo((byte) '\n');
    for (int i = 0; i < e.length() - 1; i++) {
      assertThat(e.buf()[i]).as("no line break inside the line").isNotEqualTo((byte) '\n');
    }
    AuditLine line = AuditLine.parse(e.buf(), e.length() - 1);
    assertThat(line.hash()).isEqualTo(e.hash());
    assertThat(line.partition()).isEqualTo(2);
    assertThat(line.offset()).isEqualTo(5);
    assertThat(line.timestamp()).isEqualTo(9);
    assertThat(line.prev()).isEqualTo(AuditLine.GENESIS);
    return line;
  }

  /** What the line mapper makes of the bytes as one JSON document, or null when not JSON. */
  private static JsonNode jacksonTreeOrNull(byte[] value) {
    try (var p = AuditLine.mapper().getFactory().createParser(value)) {
      JsonNode tree = AuditLine.mapper().readTree(p);
      if (tree == null || tree.isMissingNode() || p.nextToken() != null) {
        return null;
      }
      return tree;
    } catch (Exception e) {
      return null;
    }
  }
}
