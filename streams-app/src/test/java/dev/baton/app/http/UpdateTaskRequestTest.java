package dev.baton.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpdateTaskRequestTest {
  private static JsonNode json(String text) throws Exception {
    return Json.mapper().readTree(text);
  }

  @Test
  void shouldReadThePatchObject() throws Exception {
    UpdateTaskRequest request =
        UpdateTaskRequest.from(json("{\"expectedVersion\":3,\"patch\":{\"title\":\"T\"}}"));

    assertThat(request.expectedVersion()).isEqualTo(3L);
    assertThat(request.patch().toString()).isEqualTo("{\"title\":\"T\"}");
  }

  @Test
  void shouldReadTopLevelFieldsAsThePatch() throws Exception {
    UpdateTaskRequest request =
        UpdateTaskRequest.from(json("{\"title\":\"T\",\"expectedVersion\":2,\"fields\":{}}"));

    assertThat(request.expectedVersion()).isEqualTo(2L);
    assertThat(request.patch().toString()).isEqualTo("{\"title\":\"T\",\"fields\":{}}");
  }

  @Test
  void shouldKeepTheGuardsOutOfATopLevelPatch() throws Exception {
    UpdateTaskRequest request =
        UpdateTaskRequest.from(
            json("{\"title\":\"T\",\"fenceToken\":7,\"release\":true,\"expectedVersion\":2}"));

    assertThat(request.patch().toString()).isEqualTo("{\"title\":\"T\"}");
    assertThat(request.guards()).isEqualTo(new TaskWriteGuards(2L, 7L, true));
    assertThat(request.guards().options("login").fence().resource()).isEqualTo("task/login");
    assertThat(request.guards().options("login").fence().token()).isEqualTo(7);
    assertThat(request.guards().options("login").releaseLock()).isTrue();
  }

  @Test
  void shouldAllowTheGuardsNextToAPatchObject() throws Exception {
    UpdateTaskRequest request =
        UpdateTaskRequest.from(json("{\"fenceToken\":3,\"patch\":{\"title\":\"T\"}}"));

    assertThat(request.guards()).isEqualTo(new TaskWriteGuards(null, 3L, false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"release\":true,\"title\":\"T\"}",
        "{\"fenceToken\":0,\"title\":\"T\"}",
        "{\"fenceToken\":\"7\",\"title\":\"T\"}",
        "{\"fenceToken\":7,\"release\":\"yes\",\"title\":\"T\"}"
      })
  void shouldRefuseBadGuards(String body) {
    assertThatThrownBy(() -> UpdateTaskRequest.from(json(body)))
        .isInstanceOf(ApiError.class)
        .hasMessageMatching(".*(fenceToken|release).*");
  }

  @Test
  void shouldTreatANullExpectedVersionAsUnconditional() throws Exception {
    UpdateTaskRequest request =
        UpdateTaskRequest.from(json("{\"expectedVersion\":null,\"patch\":{\"title\":\"T\"}}"));

    assertThat(request.expectedVersion()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"expectedVersion\":1}",
        "{\"patch\":{}}",
        "{\"patch\":[]}",
        "{\"patch\":{\"title\":\"T\"},\"priority\":1}",
        "{\"expectedVersion\":\"1\",\"a\":1}",
        "{\"expectedVersion\":99999999999999999999999,\"a\":1}",
        "[]",
        "3"
      })
  void shouldRejectBadShapes(String body) throws Exception {
    JsonNode tree = json(body);

    assertThatThrownBy(() -> UpdateTaskRequest.from(tree))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
