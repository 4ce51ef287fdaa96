package dev.baton.app.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.topology.JsonTestSuite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link JsonValues} must never accept what the audit line reader (Jackson) refuses. */
class JsonValuesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[]",
        "0",
        "-0.5e+10",
        "\"\"",
        "true",
        " null\t",
        "{\"a\":[1,2,{\"b\":null}],\"c\":\"é \\u00e9 \\\" \\\\ \\/ \\n\"}",
        "[ 1 , 2 ]",
        "\"𝄞\"",
        "\"\\ud834\\udd1e\""
      })
  void shouldAcceptOneLineJson(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    assertThat(JsonValues.isOneLine(bytes)).isTrue();
    assertThat(readsAsOneValue(bytes)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "{\"a\":1,}",
        "[1,]",
        "{\"a\" 1}",
        "{a:1}",
        "01",
        "1.",
        ".5",
        "+1",
        "1e",
        "-",
        "NaN",
        "tru",
        "truex",
        "nul",
        "'a'",
        "\"a",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\ud834\"",
        "\"\\udd1e\\ud834\"",
        "{}{}",
        "{} {}",
        "{}\n",
        "\n{}",
        "{\"a\":\n1}",
        "\"tab\there\""
      })
  void shouldRefuseWhatIsNotOneLineOfJson(String text) {
    assertThat(JsonValues.isOneLine(text.getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void shouldRefuseBadUtf8AndByteOrderMarks() {
    assertThat(JsonValues.isOneLine(new byte[] {'"', (byte) 0xC3, '"'})).isFalse();
    assertThat(JsonValues.isOneLine(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'})).isFalse();
    assertThat(JsonValues.isOneLine(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}))
        .as("an encoded surrogate")
        .isFalse();
    assertThat(
            JsonValues.isOneLine(
                new byte[] {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}))
        .as("above U+10FFFF")
        .isFalse();
    assertThat(JsonValues.isOneLine(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}))
        .isFalse();
    assertThat(JsonValues.isOneLine("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE))).isFalse();
  }

  @Test
  void shouldRefuseNestingAndNumbersBeyondItsLimits() {
    String deep = "[".repeat(JsonValues.MAX_DEPTH + 1) + "]".repeat(JsonValues.MAX_DEPTH + 1);
    String limit = "[".repeat(JsonValues.MAX_DEPTH) + "]".repeat(JsonValues.MAX_DEPTH);

    assertThat(JsonValues.isOneLine(deep.getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(JsonValues.isOneLine(limit.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(JsonValues.isOneLine("1".repeat(61).getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(JsonValues.isOneLine("1".repeat(60).getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  @Test
  void shouldAcceptOnlyWhatJacksonReadsOverJsonTestSuite() {
    int accepted = 0;
    for (Path file : JsonTestSuite.files()) {
      byte[] bytes = JsonTestSuite.read(file);
      if (JsonValues.isOneLine(bytes)) {
        accepted++;
        assertThat(readsAsOneValue(bytes)).as(file.getFileName().toString()).isTrue();
      }
      if (file.getFileName().toString().startsWith("n_")) {
        assertThat(JsonValues.isOneLine(bytes)).as(file.getFileName().toString()).isFalse();
      }
    }
    assertThat(accepted).as("most y_ files are one line").isGreaterThan(80);
  }

  @Test
  void shouldAcceptOnlyWhatJacksonReadsUnderRandomDamage() {
    Random random = new Random(11);
    byte[] valid =
        ("{\"id\":\"c-1:0\",\"type\":\"task.updated\",\"version\":-3.5e2,\"data\":{\"t\":\"é\\\"\","
                + "\"l\":[true,false,null,[],{}],\"n\":0}}")
            .getBytes(StandardCharsets.UTF_8);
    String alphabet = "{}[]\",:\\ 0123456789.eE+-tfnu\t\n";
    int accepted = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] value = valid.clone();
      for (int flips = 1 + random.nextInt(2); flips > 0; flips--) {
        int at = random.nextInt(value.length);
        value[at] =
            random.nextBoolean()
                ? (byte) random.nextInt(256)
                : (byte) alphabet.charAt(random.nextInt(alphabet.length()));
      }
      if (JsonValues.isOneLine(value)) {
        accepted++;
        assertThat(readsAsOneValue(value)).as(new String(value, StandardCharsets.UTF_8)).isTrue();
      }
    }
    assertThat(accepted).as("some damage leaves valid JSON").isGreaterThan(1000);
  }

  @Test
  void shouldAcceptEveryCompactDocumentJacksonWrites() throws Exception {
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      JsonNode doc = randomNode(random, 0);
      byte[] bytes = AuditLine.mapper().writeValueAsBytes(doc);

      assertThat(JsonValues.isOneLine(bytes))
          .as(new String(bytes, StandardCharsets.UTF_8))
          .isTrue();
    }
  }

  private static JsonNode randomNode(Random r, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (depth > 5 ? r.nextInt(5) : r.nextInt(7)) {
      case 0:
        return f.textNode(randomText(r));
      case 1:
        return f.numberNode(r.nextLong());
      case 2:
        return f.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
      case 3:
        return f.booleanNode(r.nextBoolean());
      case 4:
        return f.nullNode();
      case 5:
        ArrayNode a = f.arrayNode();
        for (int k = r.nextInt(4); k > 0; k--) {
          a.add(randomNode(r, depth + 1));
        }
        return a;
      default:
        ObjectNode o = f.objectNode();
        for (int k = r.nextInt(4); k > 0; k--) {
          o.set(randomText(r), randomNode(r, depth + 1));
        }
        return o;
    }
  }

  private static String randomText(Random r) {
    StringBuilder s = new StringBuilder();
    for (int k = r.nextInt(8); k > 0; k--) {
      int kind = r.nextInt(4);
      s.appendCodePoint(
          switch (kind) {
            case 0 -> r.nextInt(0x20); // control characters, escaped by the writer
            case 1 -> 0x20 + r.nextInt(0x5F);
            case 2 -> 0xA0 + r.nextInt(0xD7FF - 0xA0);
            default -> 0x10000 + r.nextInt(0x10FFFF - 0x10000);
          });
    }
    return s.toString();
  }

  /** Whether the audit line reader reads the bytes as exactly one JSON value. */
  private static boolean readsAsOneValue(byte[] bytes) {
    try (JsonParser p = AuditLine.mapper().getFactory().createParser(bytes)) {
      JsonNode tree = AuditLine.mapper().readTree(p);
      return tree != null && !tree.isMissingNode() && p.nextToken() == null;
    } catch (Exception e) {
      return false;
    }
  }
}
