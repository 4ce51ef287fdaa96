package dev.baton.app.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AgentQueriesTest {
  private static final Instant AT = Instant.parse("2026-12-06T06:00:00Z");

  private static AgentHoldings.Held held(String resource, long token) {
    return new AgentHoldings.Held(resource, LockMode.EXCLUSIVE, token, AT);
  }

  private static AgentHoldings.Waiting waiting(String resource, int position) {
    return new AgentHoldings.Waiting(resource, LockMode.COLLABORATIVE, position, AT);
  }

  private static Task task(String id, long version) {
    return new Task(
        id,
        "ws",
        "Title of " + id,
        null,
        TaskStatus.IN_PROGRESS,
        "alice",
        null,
        null,
        null,
        Json.mapper().createObjectNode(),
        version,
        "alice",
        AT,
        "alice",
        AT,
        null);
  }

  private static AgentQueries.AgentView view(
      List<AgentHoldings.Held> holds,
      List<AgentHoldings.Waiting> waits,
      List<Task> tasks,
      boolean complete) {
    return new AgentQueries.AgentView("ws", "alice", holds, waits, tasks, complete);
  }

  @Nested
  class Merge {
    /** What one node hosting every partition answers: each list in its documented order. */
    private final AgentQueries.AgentView whole =
        view(
            List.of(held("file/a", 3), held("file/b", 1), held("file/b", 2), held("task/x", 9)),
            List.of(waiting("file/c", 2), waiting("file/d", 1)),
            List.of(task("t-1", 1), task("t-2", 4), task("t-3", 2)),
            true);

    @Test
    void shouldGiveTheSingleNodeAnswerFromAnySplitOverNodes() {
      Random random = new Random(7);
      for (int round = 0; round < 50; round++) {
        List<List<AgentHoldings.Held>> holds = split(whole.holds(), random);
        List<List<AgentHoldings.Waiting>> waits = split(whole.waits(), random);
        List<List<Task>> tasks = split(whole.tasks(), random);
        List<AgentQueries.AgentView> parts = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
          parts.add(view(holds.get(node), waits.get(node), tasks.get(node), true));
        }
        Collections.shuffle(parts, random);

        assertThat(AgentQueries.merge(parts)).isEqualTo(whole);
      }
    }

    @Test
    void shouldKeepTheSingleNodeAnswerAsItIs() {
      assertThat(AgentQueries.merge(List.of(whole))).isEqualTo(whole);
    }

    @Test
    void shouldBeIncompleteWhenAnyNodesScanStoppedAtItsBound() {
      AgentQueries.AgentView cut = view(List.of(held("file/z", 1)), List.of(), List.of(), false);

      AgentQueries.AgentView merged = AgentQueries.merge(List.of(whole, cut));

      assertThat(merged.complete()).isFalse();
      assertThat(merged.holds()).contains(held("file/z", 1)).hasSize(whole.holds().size() + 1);
    }

    @Test
    void shouldKeepAnEntryTwoNodesReportOnceAndATaskInItsNewestVersion() {
      AgentQueries.AgentView merged =
          AgentQueries.merge(List.of(withTaskVersion(1), withTaskVersion(2)));

      assertThat(merged.holds()).containsExactly(held("file/a", 3));
      assertThat(merged.waits()).containsExactly(waiting("file/c", 2));
      assertThat(merged.tasks()).extracting(Task::version).containsExactly(2L);
    }

    /** One grant, one queued request and task t-1 in {@code version}. */
    private AgentQueries.AgentView withTaskVersion(long version) {
      return view(
          List.of(held("file/a", 3)),
          List.of(waiting("file/c", 2)),
          List.of(task("t-1", version)),
          true);
    }

    @Test
    void shouldRefuseToMergeNothing() {
      assertThatThrownBy(() -> AgentQueries.merge(List.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }

    /** {@code items} dealt at random to three nodes, each node's share in the original order. */
    private <T> List<List<T>> split(List<T> items, Random random) {
      List<List<T>> nodes = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (T item : items) {
        nodes.get(random.nextInt(3)).add(item);
      }
      return nodes;
    }
  }
}
