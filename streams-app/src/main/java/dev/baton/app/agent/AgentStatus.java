package dev.baton.app.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.state.AgentHoldings;
import dev.baton.app.state.AgentQueries;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where one agent stands in one workspace: the locks it holds and waits for, the unfinished tasks
 * assigned to it, and the workspace's newest decisions. What a new Claude Code session is told
 * ({@code SessionStart}) and what the {@code baton_status} tool answers.
 *
 * @param tasks tasks assigned to the agent that are not {@code DONE} or {@code CANCELLED}, in id
 *     order, at most {@value #MAX_TASKS}
 * @param moreTasks whether more such tasks may exist than listed
 * @param decisions the newest decisions, newest first, at most {@value #MAX_DECISIONS}; empty when
 *     {@code decisionsUnavailable} says why they cannot be read here
 * @param decisionsUnavailable null, or why this node cannot read decisions
 */
public record AgentStatus(
    String agent,
    String workspace,
    AgentHoldings.Holdings locks,
    List<Task> tasks,
    boolean moreTasks,
    List<Decision> decisions,
    String decisionsUnavailable) {
  public static final int MAX_TASKS = 20;
  public static final int MAX_DECISIONS = 5;

  /** Task-listing pages read to find the agent's tasks (each reads a bounded number of tasks). */
  static final int MAX_TASK_PAGES = 5;

  private static final Set<TaskStatus> FINISHED = Set.of(TaskStatus.DONE, TaskStatus.CANCELLED);

  /** A decision as a status lists it. */
  public record Decision(long number, String title) {}

  public AgentStatus {
    tasks = List.copyOf(tasks);
    decisions = List.copyOf(decisions);
  }

  /**
   * Reads the status of {@code agent} from the node's queries.
   *
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException when the stores are not
   *     queryable right now
   */
  public static AgentStatus read(AgentBackend backend, String workspace, String agent) {
    AgentHoldings.Holdings locks = backend.holdings().find(workspace, agent);
    List<Task> tasks = new ArrayList<>();
    boolean more = assignedTasks(backend.tasks(), workspace, agent, tasks);
    return withDecisions(backend.decisions(), agent, workspace, locks, tasks, more);
  }

  /**
   * The status of the agent {@code view} describes (gathered from every node, {@link AgentLookup}),
   * with the newest decisions from {@code decisions}.
   */
  public static AgentStatus of(AgentQueries.AgentView view, DecisionSource decisions) {
    List<Task> tasks = new ArrayList<>();
    boolean more = !view.complete();
    for (Task task : view.tasks()) {
      if (!FINISHED.contains(task.status())) {
        if (tasks.size() == MAX_TASKS) {
          more = true;
          break;
        }
        tasks.add(task);
      }
    }
    return withDecisions(decisions, view.agent(), view.workspace(), view.holdings(), tasks, more);
  }

  private static AgentStatus withDecisions(
      DecisionSource source,
      String agent,
      String workspace,
      AgentHoldings.Holdings locks,
      List<Task> tasks,
      boolean more) {
    List<Decision> decisions = new ArrayList<>();
    String unavailable = null;
    try {
      for (JsonNode d : source.recent(workspace, null, MAX_DECISIONS)) {
        decisions.add(new Decision(d.path("number").asLong(), d.path("title").asText("")));
      }
    } catch (DecisionSource.DecisionsUnavailableException e) {
      unavailable = e.getMessage();
    }
    return new AgentStatus(agent, workspace, locks, tasks, more, decisions, unavailable);
  }

  /** Fills {@code into}; returns whether more may exist than it holds. */
  private static boolean assignedTasks(
      TaskQueries queries, String workspace, String agent, List<Task> into) {
    TaskQueries.Filter filter = new TaskQueries.Filter(workspace, null, agent);
    String after = null;
    for (int page = 0; page < MAX_TASK_PAGES; page++) {
      TaskQueries.Page found = queries.list(filter, after, MAX_TASKS + 1);
      for (Task task : found.tasks()) {
        if (!FINISHED.contains(task.status())) {
          if (into.size() == MAX_TASKS) {
            return true;
          }
          into.add(task);
        }
      }
      if (found.next() == null) {
        return false;
      }
      after = found.next();
    }
    return true;
  }
}
