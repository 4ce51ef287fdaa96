package dev.baton.app.agent.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.feed.FeedEntry;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsWaitToolTest {
  private static ToolCall call(Map<String, Object> args) {
    return new ToolCall(
        "alice", "default", new ToolArgs("events_wait", Json.mapper().valueToTree(args)), m -> {});
  }

  @Test
  void shouldAnswerUnavailableOnANodeWithoutAFeed() {
    assertThatThrownBy(() -> new EventsWaitTool(null).call(call(Map.of("timeoutMs", 10))))
        .isInstanceOfSatisfying(
            ToolFailure.class,
            f -> {
              assertThat(f.code()).isEqualTo("UNAVAILABLE");
              assertThat(f.getMessage()).contains("no event feed");
            });
  }

  @Test
  void shouldCheckArgumentsBeforeAnythingElse() {
    assertThatThrownBy(() -> new EventsWaitTool(null).call(call(Map.of("timeoutMs", 50_001))))
        .isInstanceOfSatisfying(
            ToolFailure.class,
            f -> {
              assertThat(f.code()).isEqualTo("INVALID");
              assertThat(f.getMessage()).contains("'timeoutMs'").contains("0 to 50000");
            });
  }

  @Test
  void shouldCompactAnEventToWhatAModelActsOn() {
    String stored =
        "{\"id\":\"cmd-1:0\",\"type\":\"task.claimed\",\"key\":\"default/task/t1\",\"version\":2,"
            + "\"agent\":\"bob\",\"commandId\":\"cmd-1\",\"at\":\"2026-12-06T07:00:00Z\","
            + "\"data\":{\"id\":\"t1\",\"title\":\"Fix\",\"status\":\"CLAIMED\",\"assignee\":\"bob\","
            + "\"version\":2,\"createdBy\":\"alice\",\"fieldVersions\":{\"title\":1}}}";
    JsonNode event =
        EventsWaitTool.compact(
            new FeedEntry(
                0,
                7,
                1,
                "default/task/t1",
                EventType.TASK_CLAIMED,
                "bob",
                stored.getBytes(StandardCharsets.UTF_8)));
    assertThat(ToolJson.compact(event))
        .isEqualTo(
            "{\"type\":\"task.claimed\",\"key\":\"default/task/t1\",\"version\":2,\"agent\":\"bob\","
                + "\"at\":\"2026-12-06T07:00:00Z\",\"data\":{\"id\":\"t1\",\"title\":\"Fix\","
                + "\"status\":\"CLAIMED\",\"assignee\":\"bob\",\"version\":2}}");
  }
}
