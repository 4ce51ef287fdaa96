package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.testing.TestBaton;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NUL through the HTTP and SDK doors (the raw topic door: ControlCharactersTest) is refused with
 * INVALID naming where it is; every other control character goes through and reads back as sent.
 */
class StorableTextIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpResponse<String> post(TestBaton baton, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(baton.httpBase() + "/v1/tasks/default"))
            .header("X-Baton-Agent", "alice")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldRefuseNulAndKeepEveryOtherCharacterThroughHttpAndTheSdk() throws Exception {
    try (TestBaton baton = TestBaton.start(dir, Map.of());
        BatonClient sdk = baton.client("alice")) {
      HttpResponse<String> nul = post(baton, "{\"id\":\"n1\",\"title\":\"a\\u0000b\"}");
      assertThat(nul.statusCode()).as(nul.body()).isEqualTo(400);
      JsonNode error = Json.mapper().readTree(nul.body());
      assertThat(error.path("error").asText()).isEqualTo("INVALID");
      assertThat(error.path("message").asText()).contains("title contains U+0000 (NUL) at index 1");

      HttpResponse<String> inFields =
          post(baton, "{\"id\":\"n2\",\"title\":\"t\",\"fields\":{\"k\":[\"\\u0000\"]}}");
      assertThat(inFields.statusCode()).as(inFields.body()).isEqualTo(400);
      assertThat(inFields.body()).contains("body.fields.k[0] contains U+0000");

      assertThatThrownBy(
              () ->
                  sdk.tasks()
                      .create(NewTask.titled("x\u0000").withId("n3"))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(InvalidCommandException.class)
          .hasMessageContaining("U+0000 (NUL)");

      String controls = "tab\t cr\r lf\n bell\u0007 esc\u001b del\u007f c1\u0085 ls\u2028 ps\u2029";
      String body =
          Json.mapper()
              .writeValueAsString(
                  Json.mapper().createObjectNode().put("id", "c1").put("title", controls));
      HttpResponse<String> created = post(baton, body);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      HttpResponse<String> read =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(baton.httpBase() + "/v1/tasks/default/c1")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(Json.mapper().readTree(read.body()).path("title").asText()).isEqualTo(controls);
      assertThat(
              sdk.tasks()
                  .create(NewTask.titled(controls + "!").withId("c2"))
                  .get(30, TimeUnit.SECONDS)
                  .status()
                  .name())
          .isEqualTo("ACCEPTED");
    }
  }
}
