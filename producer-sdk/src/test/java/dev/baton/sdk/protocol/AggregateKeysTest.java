package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AggregateKeysTest {

  @Test
  void shouldKeyTaskByWorkspaceAndId() {
    assertThat(AggregateKeys.task("default", "T1")).isEqualTo("default/task/T1");
  }

  @Test
  void shouldKeyLockOnTaskLikeTheTaskItself() {
    assertThat(AggregateKeys.lock("ws", "task/T1")).isEqualTo(AggregateKeys.task("ws", "T1"));
  }

  @Test
  void shouldKeyLockOnOtherResourceUnderLock() {
    assertThat(AggregateKeys.lock("ws", "src/task/A.java")).isEqualTo("ws/lock/src/task/A.java");
    assertThat(AggregateKeys.lock("ws", "tasks/A")).isEqualTo("ws/lock/tasks/A");
  }

  @Test
  void shouldKeyDecisionsAndAgentEventsPerWorkspace() {
    assertThat(AggregateKeys.decisions("ws")).isEqualTo("ws/decisions");
    assertThat(AggregateKeys.agent("ws", "alice")).isEqualTo("ws/agent/alice");
  }

  @Test
  void shouldFindWorkspaceOfAnyKey() {
    assertThat(AggregateKeys.workspaceOf("ws/task/T1")).isEqualTo("ws");
    assertThat(AggregateKeys.workspaceOf(AggregateKeys.decisions("team-b"))).isEqualTo("team-b");
    assertThat(AggregateKeys.workspaceOf("bare")).isEqualTo("bare");
    assertThat(AggregateKeys.taskPrefix("ws")).isEqualTo("ws/task/");
    assertThat(AggregateKeys.task("ws", "T1")).startsWith(AggregateKeys.taskPrefix("ws"));
  }
}
