package dev.baton.app.processor;

import dev.baton.app.state.immutable.DecisionHeads;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies.DecisionRecord;
import dev.baton.sdk.protocol.Decision;
import dev.baton.sdk.protocol.EventPayload.DecisionRecorded;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.ParsedCommand;
import java.time.Instant;

/**
 * {@code decision.record}: numbers decisions per workspace (all of a workspace's decisions share
 * the key {@code <ws>/decisions}, so one writer hands out the numbers) and checks that {@code
 * supersedes} names an earlier decision.
 */
public final class DecisionHandler implements CommandHandler {
  private final DecisionHeads heads;

  public DecisionHandler(DecisionHeads heads) {
    this.heads = heads;
  }

  @Override
  public Verdict handle(ParsedCommand.Valid valid, Instant now) {
    Command cmd = valid.command();
    DecisionRecord body = (DecisionRecord) valid.body();
    String key = valid.key();
    int head = heads.get(key);
    Verdict.Builder out = Verdict.forCommand(cmd.id());
    if (body.supersedes() != null && body.supersedes() > head) {
      return out.answer(
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
                  now),
              cmd.replyTo())
          .build();
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
            now);
    return out.event(
            EventType.DECISION_RECORDED,
            key,
            (long) number,
            cmd.agent(),
            new DecisionRecorded(decision))
        .answer(
            Outcome.accepted(
                cmd,
                key,
                (long) number,
                Json.mapper().valueToTree(decision),
                "decision " + number + " recorded",
                now),
            cmd.replyTo())
        .build();
  }
}
