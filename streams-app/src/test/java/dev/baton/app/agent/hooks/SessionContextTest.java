package dev.baton.app.agent.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.agent.AgentStatus;
import dev.baton.app.state.AgentHoldings;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionContextTest {
  private static final Instant LEASE = Instant.parse("2026-12-06T06:00:00Z");

  private static Task task(String id, String title, TaskStatus status, long version) {
    return new Task(
        id, "ws", title, null, status, "alice", null, null, null, null, version, "alice", LEASE,
        "alice", LEASE, null);
  }

  @Test
  void shouldListLocksQueueTasksAndDecisionsOneLineEach() {
    AgentStatus status =
        new AgentStatus(
            "alice",
            "ws",
            new AgentHoldings.Holdings(
                List.of(new AgentHoldings.Held("file/src/A.java", LockMode.EXCLUSIVE, 3, LEASE)),
                List.of(new AgentHoldings.Waiting("file/src/B.java", LockMode.EXCLUSIVE, 2, LEASE)),
                true),
            List.of(task("login", "Fix login", TaskStatus.IN_PROGRESS, 4)),
            false,
            List.of(new AgentStatus.Decision(9, "Use JWT")),
            null);

    String text = SessionContext.of(status);

    assertThat(text.lines())
        .containsExactly(
            "Baton: you are agent alice in workspace ws. Edits lock their file first;"
                + " don't work around a denied edit.",
            "Locks you hold: file/src/A.java token 3 lease until 2026-12-06T06:00:00Z",
            "Lock requests you wait in: file/src/B.java position 2",
            "Your unfinished tasks: login \"Fix login\" IN_PROGRESS v4",
            "Recent decisions: #9 Use JWT");
  }

  @Test
  void shouldSayNoneAndWhenDecisionsCannotBeRead() {
    AgentStatus status =
        new AgentStatus(
            "bob",
            "ws",
            new AgentHoldings.Holdings(List.of(), List.of(), true),
            List.of(),
            false,
            List.of(),
            "no projection here");

    String text = SessionContext.of(status);

    assertThat(text)
        .contains("Locks you hold: none")
        .contains("Your unfinished tasks: none")
        .contains("Recent decisions: not readable on this node.");
  }

  @Test
  void shouldStayWithinItsBoundWhateverTheAgentHolds() {
    List<AgentHoldings.Held> held = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      held.add(
          new AgentHoldings.Held("file/" + "d/".repeat(100) + i, LockMode.EXCLUSIVE, i, LEASE));
    }
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < AgentStatus.MAX_TASKS; i++) {
      tasks.add(task("t" + i, "x".repeat(500), TaskStatus.CLAIMED, 1));
    }
    AgentStatus status =
        new AgentStatus(
            "alice",
            "ws",
            new AgentHoldings.Holdings(held, List.of(), false),
            tasks,
            true,
            List.of(),
            null);

    String text = SessionContext.of(status);

    assertThat(text.length()).isLessThanOrEqualTo(SessionContext.MAX_CHARS);
    assertThat(text).endsWith("call baton_status for the rest)");
  }

  @Test
  void shouldCountTheLocksItLeavesOut() {
    List<AgentHoldings.Held> held = new ArrayList<>();
    for (int i = 0; i < SessionContext.MAX_ITEMS + 3; i++) {
      held.add(new AgentHoldings.Held("file/" + i, LockMode.EXCLUSIVE, i, LEASE));
    }
    AgentStatus status =
        new AgentStatus(
            "alice",
            "ws",
            new AgentHoldings.Holdings(held, List.of(), true),
            List.of(),
            false,
            List.of(),
            null);

    assertThat(SessionContext.of(status)).contains("; and 3 more\n");
  }
}
