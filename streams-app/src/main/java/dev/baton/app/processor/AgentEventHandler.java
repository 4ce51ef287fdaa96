package dev.baton.app.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.EventEmit;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ParsedCommand;

/**
 * {@code event.emit}: free-form agent and hook events, appended to the log as {@code agent.event}
 * without touching any state.
 */
public final class AgentEventHandler implements CommandHandler {
  @Override
  public void handle(ParsedCommand.Valid valid, Emitter out) {
    Command cmd = valid.command();
    EventEmit body = (EventEmit) valid.body();
    ObjectNode data = Json.mapper().createObjectNode();
    data.put("name", body.name());
    data.put("agent", cmd.agent());
    if (body.taskId() != null) {
      data.put("taskId", body.taskId());
    }
    data.set("payload", body.payload() == null ? Json.mapper().createObjectNode() : body.payload());
    out.event(EventType.AGENT_EVENT, valid.key(), null, cmd.agent(), cmd.id(), data);
    out.outcome(
        Outcome.accepted(cmd, valid.key(), null, data, "recorded", out.now()), cmd.replyTo());
  }
}
