package dev.baton.app.sink.projection.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.ProjectionState;
import dev.baton.app.sink.projection.RowKind;
import dev.baton.sdk.protocol.Json;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateDiffTest {

  private static List<String> diff(String logJson, String liveJson) throws Exception {
    ProjectionState log = new ProjectionState();
    log.apply(
        new ProjectionRow(RowKind.TASK, "ws/task/t1", 1, 0, 0, Json.mapper().readTree(logJson)));
    ProjectionState live = new ProjectionState();
    live.apply(
        new ProjectionRow(RowKind.TASK, "ws/task/t1", 1, 0, 0, Json.mapper().readTree(liveJson)));
    return StateDiff.compare("live", log, live, EnumSet.allOf(RowKind.class));
  }

  @Test
  void theSameInstantInTheLogsFormAndInTheFixedWidthFormIsNoDifference() throws Exception {
    // A task created at a whole second: Instant's text drops the fraction, HTTP answers keep it.
    assertThat(
            diff(
                "{\"createdAt\":\"2026-12-06T11:49:30Z\",\"holders\":[{\"grantedAt\":"
                    + "\"2026-12-06T11:49:30.100Z\",\"leaseDeadline\":\"2026-12-06T11:50:00Z\"}]}",
                "{\"createdAt\":\"2026-12-06T11:49:30.000Z\",\"holders\":[{\"grantedAt\":"
                    + "\"2026-12-06T11:49:30.100Z\",\"leaseDeadline\":\"2026-12-06T11:50:00.000Z\"}]}"))
        .isEmpty();
  }

  @Test
  void anotherInstantAnAgentsOwnFieldOrOtherTextStillDiffer() throws Exception {
    assertThat(
            diff(
                "{\"createdAt\":\"2026-12-06T11:49:30Z\"}",
                "{\"createdAt\":\"2026-12-06T11:49:31.000Z\"}"))
        .singleElement()
        .asString()
        .contains("differs in content");
    assertThat(
            diff(
                "{\"fields\":{\"dueAt\":\"2026-12-06T11:49:30Z\"}}",
                "{\"fields\":{\"dueAt\":\"2026-12-06T11:49:30.000Z\"}}"))
        .as("a task's fields are the agents' text, compared as sent")
        .hasSize(1);
    assertThat(
            diff(
                "{\"title\":\"2026-12-06T11:49:30Z\"}", "{\"title\":\"2026-12-06T11:49:30.000Z\"}"))
        .as("not a time field")
        .hasSize(1);
    assertThat(diff("{\"updatedAt\":\"soon\"}", "{\"updatedAt\":\"later\"}"))
        .as("a time field that is not a time")
        .hasSize(1);
  }
}
