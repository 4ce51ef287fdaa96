package dev.baton.sdk;

import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Names;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which events of a workspace a feed delivers. Every condition set must hold; an empty {@code
 * types} means every type. The same filter backs {@code GET /v1/events/{workspace}} and {@link
 * EventOperations#subscribe}.
 *
 * @param types event types to deliver; empty for all
 * @param task only events of this task (its key {@code <workspace>/task/<id>}: task events and the
 *     locks on {@code task/<id>}), or null
 * @param resource only events of the lock on this resource, or null
 * @param agent only events caused by this agent, or null
 */
public record EventFilter(Set<EventType> types, String task, String resource, String agent) {
  /**
   * Checks the names.
   *
   * @param types event types to deliver; empty for all
   * @param task a task id, or null
   * @param resource a lock resource, or null
   * @param agent an agent id, or null
   * @throws dev.baton.sdk.protocol.InvalidCommandException when a name is malformed
   */
  public EventFilter {
    types = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
    if (task != null) {
      Names.checkId("task", task);
    }
    if (resource != null) {
      Names.checkResource("resource", resource);
    }
    if (agent != null) {
      Names.checkId("agent", agent);
    }
  }

  /**
   * Every event of the workspace.
   *
   * @return the filter that passes everything
   */
  public static EventFilter all() {
    return new EventFilter(Set.of(), null, null, null);
  }

  /**
   * This filter for these types only.
   *
   * @param types the types; empty for all
   * @return the narrower filter
   */
  public EventFilter types(Set<EventType> types) {
    return new EventFilter(types, task, resource, agent);
  }

  /**
   * This filter for one task's events only.
   *
   * @param task the task id
   * @return the narrower filter
   */
  public EventFilter task(String task) {
    return new EventFilter(types, task, resource, agent);
  }

  /**
   * This filter for one lock's events only.
   *
   * @param resource the locked resource
   * @return the narrower filter
   */
  public EventFilter resource(String resource) {
    return new EventFilter(types, task, resource, agent);
  }

  /**
   * This filter for events one agent caused only.
   *
   * @param agent the agent id
   * @return the narrower filter
   */
  public EventFilter agent(String agent) {
    return new EventFilter(types, task, resource, agent);
  }

  /**
   * Whether an event passes, in a workspace.
   *
   * @param workspace the workspace being followed
   * @param key the event's aggregate key
   * @param type the event's type, or null when unknown
   * @param by the agent that caused it
   * @return whether it is delivered
   */
  public boolean matches(String workspace, String key, EventType type, String by) {
    if (key == null
        || !key.startsWith(workspace)
        || key.length() == workspace.length()
        || key.charAt(workspace.length()) != '/') {
      return false;
    }
    if (!types.isEmpty() && (type == null || !types.contains(type))) {
      return false;
    }
    if (task != null && !key.equals(AggregateKeys.task(workspace, task))) {
      return false;
    }
    if (resource != null && !key.equals(AggregateKeys.lock(workspace, resource))) {
      return false;
    }
    return agent == null || agent.equals(by);
  }
}
