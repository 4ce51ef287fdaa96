package dev.baton.app.processor;

import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.DecisionRecord;
import dev.baton.sdk.protocol.Decision;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.ParsedCommand;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code decision.record}: numbers decisions per workspace (all of a workspace's decisions share
 * the key {@code <ws>/decisions}, so one writer hands out the numbers) and checks that {@code
 * supersedes} names an earlier decision.
 */
public final class DecisionHandler implements CommandHandler {
  private final KeyValueStore<String, Integer> heads;

  public DecisionHandler(KeyValueStore<String, Integer> heads) {
    this.heads = heads;
  }

  @Override
  public void handle(ParsedCommand.Valid valid, Emitter out) {
    Command cmd = valid.command();
    DecisionRecord body = (DecisionRecord) valid.body();
    String key = valid.key();
    Integer last = heads.get(key);
    int head = last == null ? 0 : last;
    if (body.supersedes() != null && body.supersedes() > head) {
      out.outcome(
          Outcome.rejected(
              cmd.id(),
              cmd.type(),
              key,
              OutcomeCode.NOT_FOUND,
              "decision "
                  + body.supersedes()
                  + " does not exist in workspace "
                  + cmd.workspace()
                  + " (latest is "
                  + head
                  + ")",
              (long) head,
              null,
              out.now()),
          cmd.replyTo());
      return;
    }
    int number = head + 1;
    Decision decision =
        new Decision(
            cmd.workspace(),
            number,
            body.title(),
            body.context(),
            body.decision(),
            body.alternatives(),
            body.consequences(),
            body.supersedes(),
            body.taskId(),
            cmd.agent(),
            cmd.id(),
            out.now());
    heads.put(key, number);
    var data = Json.mapper().valueToTree(decision);
    out.event(EventType.DECISION_RECORDED, key, (long) number, cmd.agent(), cmd.id(), data);
    out.outcome(
        Outcome.accepted(
            cmd, key, (long) number, data, "decision " + number + " recorded", out.now()),
        cmd.replyTo());
  }
}
