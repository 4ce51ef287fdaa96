package dev.baton.app.processor;

import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.EventEmit;
import dev.baton.sdk.protocol.EventPayload.AgentEvent;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ParsedCommand;
import java.time.Instant;

/**
 * {@code event.emit}: free-form agent and hook events, appended to the log as {@code agent.event}
 * without touching any state.
 */
public final class AgentEventHandler implements CommandHandler {
  @Override
  public Verdict handle(ParsedCommand.Valid valid, Instant now) {
    Command cmd = valid.command();
    EventEmit body = (EventEmit) valid.body();
    AgentEvent event =
        new AgentEvent(
            body.name(),
            cmd.agent(),
            body.taskId(),
            body.payload() == null ? Json.mapper().createObjectNode() : body.payload());
    return Verdict.forCommand(cmd.id())
        .event(EventType.AGENT_EVENT, valid.key(), null, cmd.agent(), event)
        .answer(
            Outcome.accepted(cmd, valid.key(), null, event.toJson(), "recorded", now),
            cmd.replyTo())
        .build();
  }
}
