package dev.baton.app.http;

import static dev.baton.app.http.HttpApiTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Merging the pages of several nodes into one page with a cursor that works on any node. */
class TaskListResponseTest {
  private static List<Task> tasks(String... ids) {
    return Stream.of(ids).map(id -> task("ws", id, TaskStatus.OPEN, null, 1)).toList();
  }

  private static List<String> ids(TaskListResponse page) {
    return page.tasks().stream().map(Task::id).toList();
  }

  @Test
  void shouldCutAtTheLimitAndContinueAfterTheLastTaskReturned() {
    TaskListResponse merged =
        TaskListResponse.merge(
            List.of(
                new TaskListResponse(tasks("a", "c", "e"), null),
                new TaskListResponse(tasks("b", "d"), null)),
            4);

    assertThat(ids(merged)).containsExactly("a", "b", "c", "d");
    assertThat(merged.next()).isEqualTo("d");
  }

  @Test
  void shouldStopWhereANodeStoppedLookingSoNothingIsSkipped() {
    // The second node scanned up to "c" (a selective filter) and has not looked further: "d" and
    // "e" of the first node may be followed by its own "c1", so the page ends at "c".
    TaskListResponse merged =
        TaskListResponse.merge(
            List.of(
                new TaskListResponse(tasks("a", "d", "e"), null),
                new TaskListResponse(tasks("b"), "c")),
            10);

    assertThat(ids(merged)).containsExactly("a", "b");
    assertThat(merged.next()).isEqualTo("c");
  }

  @Test
  void shouldEndWhenNoNodeHasMore() {
    TaskListResponse merged =
        TaskListResponse.merge(
            List.of(new TaskListResponse(tasks("a"), null), new TaskListResponse(List.of(), null)),
            10);

    assertThat(ids(merged)).containsExactly("a");
    assertThat(merged.next()).isNull();
  }
}
