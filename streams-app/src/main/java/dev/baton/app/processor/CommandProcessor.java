package dev.baton.app.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.state.DeadlineIndex;
import dev.baton.app.topology.RoutedOutcome;
import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandCodec;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.ReplyTo;
import dev.baton.sdk.protocol.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of every aggregate key: reads raw command records, validates them, answers
 * retries from the remembered outcome, and hands each valid command to the handler of its type.
 * Whatever a client sends, this processor never throws: an unreadable record becomes a {@code
 * REJECTED}/{@code INVALID} outcome (when its id can be read) or a {@code command.rejected} event.
 *
 * <p>A wall-clock punctuator drains the deadline index (remembered command ids now; leases and
 * waits later), touching only what is due.
 */
public final class CommandProcessor implements Processor<String, byte[], String, Object> {
  public static final String OUTCOMES_SINK = "outcomes-sink";
  public static final String EVENTS_SINK = "events-sink";
  static final String DEDUP_KIND = "cmd";
  private static final int MAX_EXPIRIES_PER_PUNCTUATION = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(CommandProcessor.class);

  private final AppConfig config;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, Outcome> outcomes;
  private DeadlineIndex deadlines;
  private final Map<CommandType, CommandHandler> handlers = new EnumMap<>(CommandType.class);
  private final Map<String, DeadlineHandler> expiries = new HashMap<>();
  private final StreamsEmitter emitter = new StreamsEmitter();

  public CommandProcessor(AppConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.outcomes = context.getStateStore(StoreNames.COMMAND_OUTCOMES);
    this.deadlines = new DeadlineIndex(context.getStateStore(StoreNames.DEADLINES));
    KeyValueStore<String, Task> tasks = context.getStateStore(StoreNames.TASKS);
    LockHandler lockHandler =
        new LockHandler(context.getStateStore(StoreNames.LOCKS), deadlines, config);
    TaskHandler taskHandler = new TaskHandler(tasks, lockHandler);
    for (CommandType type : CommandType.values()) {
      if (type.isTaskCommand()) {
        handlers.put(type, taskHandler);
      } else if (type.isLockCommand()) {
        handlers.put(type, lockHandler);
      }
    }
    expiries.put(LockHandler.LEASE_KIND, lockHandler::expireLease);
    expiries.put(LockHandler.WAIT_KIND, lockHandler::expireWait);
    handlers.put(CommandType.EVENT_EMIT, new AgentEventHandler());
    handlers.put(
        CommandType.DECISION_RECORD,
        new DecisionHandler(context.getStateStore(StoreNames.DECISIONS)));
    handlers.put(CommandType.STATE_RESTORE, StateRestoreHandler.from(context));
    expiries.put(DEDUP_KIND, (commandId, deadline, out) -> outcomes.delete(commandId));
    Duration interval = config.punctuateInterval();
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    emitter.begin();
    ParsedCommand parsed = CommandCodec.parse(record.value());
    if (parsed instanceof ParsedCommand.Invalid invalid) {
      rejectInvalid(record.key(), invalid);
      return;
    }
    ParsedCommand.Valid valid = (ParsedCommand.Valid) parsed;
    Command cmd = valid.command();
    emitter.current = cmd;
    Outcome first = outcomes.get(cmd.id());
    if (first != null) {
      emitter.outcome(first.asDuplicate(), cmd.replyTo());
      return;
    }
    if (!valid.key().equals(record.key())) {
      emitter.outcome(
          Outcome.rejected(
              cmd.id(),
              cmd.type(),
              valid.key(),
              OutcomeCode.INVALID,
              "record key '"
                  + Names.printable(String.valueOf(record.key()))
                  + "' does not match the command's aggregate key '"
                  + valid.key()
                  + "'",
              null,
              null,
              emitter.now()),
          cmd.replyTo());
      return;
    }
    CommandHandler handler = handlers.get(cmd.type());
    try {
      if (handler == null) {
        throw new InvalidCommandException(
            "command type " + cmd.type().wire() + " is not supported by this server");
      }
      handler.handle(valid, emitter);
    } catch (InvalidCommandException e) {
      emitter.outcome(
          Outcome.rejected(
              cmd.id(),
              cmd.type(),
              valid.key(),
              OutcomeCode.INVALID,
              e.getMessage(),
              null,
              null,
              emitter.now()),
          cmd.replyTo());
    } catch (RuntimeException e) {
      LOG.error("command {} ({}) on {} failed", cmd.id(), cmd.type().wire(), valid.key(), e);
      emitter.outcome(
          Outcome.rejected(
              cmd.id(),
              cmd.type(),
              valid.key(),
              OutcomeCode.INTERNAL_ERROR,
              "internal error: " + e,
              null,
              null,
              emitter.now()),
          cmd.replyTo());
    }
  }

  private void rejectInvalid(String key, ParsedCommand.Invalid invalid) {
    LOG.debug("invalid command on key {}: {}", key, invalid.message());
    if (invalid.commandId() != null) {
      emitter.outcome(
          Outcome.rejected(
              invalid.commandId(),
              invalid.type(),
              key,
              OutcomeCode.INVALID,
              invalid.message(),
              null,
              null,
              emitter.now()),
          invalid.replyTo());
      return;
    }
    ObjectNode data = Json.mapper().createObjectNode();
    data.put("reason", invalid.message());
    context.recordMetadata().ifPresent(m -> describeSource(data, m));
    String eventKey = key == null ? "unknown" : key;
    String id =
        context
            .recordMetadata()
            .map(m -> "rejected:" + m.topic() + "-" + m.partition() + "@" + m.offset())
            .orElse("rejected:" + eventKey + "@" + emitter.now().toEpochMilli());
    emitter.event(
        new Event(id, EventType.COMMAND_REJECTED, eventKey, null, null, null, emitter.now(), data));
  }

  private static void describeSource(ObjectNode data, RecordMetadata m) {
    data.put("topic", m.topic());
    data.put("partition", m.partition());
    data.put("offset", m.offset());
  }

  private void punctuate(long now) {
    emitter.begin();
    List<DeadlineIndex.Entry> due = deadlines.due(now, MAX_EXPIRIES_PER_PUNCTUATION);
    for (DeadlineIndex.Entry entry : due) {
      deadlines.remove(entry);
      DeadlineHandler handler = expiries.get(entry.kind());
      if (handler == null) {
        LOG.warn("deadline entry of unknown kind {} for {} dropped", entry.kind(), entry.id());
        continue;
      }
      handler.expire(entry.id(), entry.deadline(), emitter);
    }
  }

  /** The Streams-backed {@link Emitter}: forwards to the sinks and remembers first outcomes. */
  private final class StreamsEmitter implements Emitter {
    private Command current;
    private int eventSeq;

    void begin() {
      current = null;
      eventSeq = 0;
    }

    @Override
    public Instant now() {
      return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    @Override
    public void outcome(Outcome outcome, ReplyTo replyTo) {
      if (current != null
          && outcome.commandId().equals(current.id())
          && outcome.status() != OutcomeStatus.DUPLICATE
          && outcomes.get(outcome.commandId()) == null) {
        outcomes.put(outcome.commandId(), outcome);
        deadlines.add(
            now().toEpochMilli() + config.dedupRetention().toMillis(),
            DEDUP_KIND,
            outcome.commandId());
      }
      long ts = context.currentSystemTimeMs();
      context.forward(
          new Record<String, Object>(outcome.commandId(), new RoutedOutcome(outcome, replyTo), ts),
          OUTCOMES_SINK);
    }

    @Override
    public void remember(Outcome outcome) {
      if (outcomes.get(outcome.commandId()) != null) {
        outcomes.put(outcome.commandId(), outcome);
      }
    }

    @Override
    public void event(Event event) {
      context.forward(
          new Record<String, Object>(event.key(), event, context.currentSystemTimeMs()),
          EVENTS_SINK);
    }

    @Override
    public String nextEventId(String commandId, String key, Long version, EventType type) {
      if (commandId != null) {
        return commandId + ":" + (eventSeq++);
      }
      return key + "@" + version + ":" + type.wire();
    }
  }
}
