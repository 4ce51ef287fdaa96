package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reader errors are told in the protocol's words: the field, the limit, never a Java name. */
class JsonErrorsTest {

  static String messageFor(String commandJson) {
    ParsedCommand parsed = CommandCodec.parse(commandJson.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed).isInstanceOf(ParsedCommand.Invalid.class);
    return ((ParsedCommand.Invalid) parsed).message();
  }

  /** Words that give away the implementation: Java packages, types, library settings. */
  static void assertSpeaksTheProtocol(String message) {
    assertThat(message)
        .doesNotContain("dev.baton")
        .doesNotContain("java.")
        .doesNotContain("com.fasterxml")
        .doesNotContain("`")
        .doesNotContain("Config")
        .doesNotContain("Feature")
        .doesNotContain("Constraints")
        .doesNotContain("Exception")
        .doesNotContain("Creator")
        .doesNotContain("deserialize");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wrong-typed integer|{'id':'c','type':'task.create','agent':'a','body':{'taskId':'t','title':'x','priority':'5'}}|field 'priority' must be an integer, got a string",
        "float for integer|{'id':'c','type':'task.create','agent':'a','body':{'taskId':'t','title':'x','priority':1.5}}|field 'priority' must be an integer",
        "unknown enum|{'id':'c','type':'task.transition','agent':'a','body':{'taskId':'t','to':'FLYING'}}|field 'to' must be one of OPEN",
        "object for string|{'id':'c','type':'task.create','agent':'a','body':{'taskId':'t','title':{}}}|field 'title' must be a string",
        "array for object|{'id':'c','type':'task.create','agent':'a','body':{'taskId':'t','title':'x','fields':[]}}|field 'fields'",
        "bad type|{'id':'c','type':'task.fly','agent':'a','body':{}}|field 'type': unknown command type 'task.fly'; it must be one of task.create",
        "bad time|{'id':'c','type':'task.claim','agent':'a','issuedAt':'yesterday','body':{'taskId':'t'}}|field 'issuedAt'",
        "string version|{'id':'c','type':'task.claim','agent':'a','expectedVersion':'1','body':{'taskId':'t'}}|field 'expectedVersion' must be an integer",
        "bool from string|{'id':'c','type':'task.claim','agent':'a','body':{'taskId':'t','release':'yes'}}|field 'release' must be true or false",
        "non-numeric number|{'id':'c','type':'task.create','agent':'a','body':{'taskId':'t','title':'x','fields':{'n':NaN}}}|malformed JSON at line 1",
        "trailing|{'id':'c','type':'task.claim','agent':'a','body':{'taskId':'t'}} {}|unexpected content after the JSON value",
        "long number|{'id':'c','type':'task.create','agent':'a','body':{'taskId':'t','title':'x','fields':{'n':123456789012345678901234567890123456}}}|a number is longer than 32 characters",
      })
  void shouldNameTheFieldAndNeverAJavaName(String name, String json, String expected) {
    String message = messageFor(json.replace('\'', '"'));

    assertThat(message).contains(expected);
    assertSpeaksTheProtocol(message);
  }

  @org.junit.jupiter.api.Test
  void shouldNameTheNestingLimit() {
    String deep = "[".repeat(40) + "]".repeat(40);

    String message =
        messageFor(
            "{\"id\":\"c\",\"type\":\"task.create\",\"agent\":\"a\",\"body\":{\"taskId\":\"t\","
                + "\"title\":\"x\",\"fields\":{\"n\":"
                + deep
                + "}}}");

    assertThat(message).contains("nests deeper than " + Json.MAX_NESTING_DEPTH);
    assertSpeaksTheProtocol(message);
  }
}
