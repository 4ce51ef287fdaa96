package dev.baton.app.processor;

import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventIds;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.ReplyTo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a handler decided for one command or one due deadline: the events that record the change (in
 * order; their appliers change the state) and the outcomes to send. A verdict is a value: building
 * one writes nothing, and {@link CommandProcessor} applies it only when the handler returned it.
 *
 * <p>Deadlines change with the events: a lock event's payload is the whole lock, and storing it
 * replaces the lease and wait entries of the lock before ({@code state.LockDeadlines}).
 */
public record Verdict(List<NewEvent> events, List<Reply> replies) {

  public Verdict {
    events = List.copyOf(events);
    replies = List.copyOf(replies);
  }

  /** One event to append; {@link #toEvent} stamps it with the processing time. */
  public record NewEvent(
      String id,
      EventType type,
      String key,
      Long version,
      String agent,
      String commandId,
      EventPayload payload) {

    public Event toEvent(Instant at) {
      return new Event(id, type, key, version, agent, commandId, at, payload.toJson());
    }
  }

  /**
   * One outcome to send. {@code answer}: the command's own (first) outcome, which answers its
   * retries; otherwise a later answer to an earlier, queued lock request, which replaces what its
   * retries are answered with.
   */
  public record Reply(Outcome outcome, ReplyTo replyTo, boolean answer) {}

  /** A verdict for command {@code commandId}; its events get ids {@code <commandId>:<n>}. */
  public static Builder forCommand(String commandId) {
    return new Builder(commandId);
  }

  /** A verdict for a due deadline, whose events carry explicit ids. */
  public static Builder forDeadline() {
    return new Builder(null);
  }

  /** Collects a verdict in order. */
  public static final class Builder {
    private final String commandId;
    private final List<NewEvent> events = new ArrayList<>();
    private final List<Reply> replies = new ArrayList<>();
    private int seq;

    private Builder(String commandId) {
      this.commandId = commandId;
    }

    /** The next event the command causes, id {@code <commandId>:<n>}. */
    public Builder event(
        EventType type, String key, Long version, String agent, EventPayload payload) {
      if (commandId == null) {
        throw new IllegalStateException("an event outside a command needs an explicit id");
      }
      return event(
          EventIds.ofCommand(commandId, seq++), type, key, version, agent, commandId, payload);
    }

    /** An event with an explicit id (raised later on behalf of a request). */
    public Builder event(
        String id,
        EventType type,
        String key,
        Long version,
        String agent,
        String requestId,
        EventPayload payload) {
      events.add(new NewEvent(id, type, key, version, agent, requestId, payload));
      return this;
    }

    /** The command's own outcome. */
    public Builder answer(Outcome outcome, ReplyTo replyTo) {
      replies.add(new Reply(outcome, replyTo, true));
      return this;
    }

    /** A later outcome of an earlier, queued request (granted, expired, cancelled). */
    public Builder later(Outcome outcome, ReplyTo replyTo) {
      replies.add(new Reply(outcome, replyTo, false));
      return this;
    }

    public Verdict build() {
      return new Verdict(events, replies);
    }
  }
}
