package dev.baton.app.processor;

import dev.baton.app.config.AppConfig;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.metrics.CommandMetrics;
import dev.baton.app.state.DeadlineIndex;
import dev.baton.app.state.LockDeadlines;
import dev.baton.app.state.RetryRoutes;
import dev.baton.app.state.appliers.EventAppliers;
import dev.baton.app.state.immutable.ProcessingState;
import dev.baton.app.topology.RoutedOutcome;
import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandCodec;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.EventIds;
import dev.baton.sdk.protocol.EventPayload.CommandRejected;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.ReplyTo;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of every aggregate key, in two steps per command, on the model of Zeebe's
 * engine:
 *
 * <ol>
 *   <li><b>decide</b>: read the raw record, validate it, answer a retry from the remembered
 *       outcome, and hand a valid command to the handler of its type, which reads the read-only
 *       {@link ProcessingState} and returns a {@link Verdict} (events, outcomes);
 *   <li><b>apply</b>: only when the handler returned, run each event through its applier ({@link
 *       EventAppliers}, all or nothing), then append the events and send the outcomes.
 * </ol>
 *
 * A handler that throws therefore changes nothing: the command gets one {@code INTERNAL_ERROR}
 * outcome (or {@code INVALID} for an {@link InvalidCommandException}). Whatever a client sends,
 * this processor never throws: an unreadable record becomes a {@code REJECTED}/{@code INVALID}
 * outcome (when its id can be read) or a {@code command.rejected} event.
 *
 * <p>A wall-clock punctuator drains the deadline index, touching only what is due: lease and wait
 * entries go through the same decide and apply steps; remembered command ids are forgotten.
 */
public final class CommandProcessor implements Processor<String, byte[], String, Object> {
  public static final String OUTCOMES_SINK = "outcomes-sink";
  public static final String EVENTS_SINK = "events-sink";

  /** Deadline-index kind of a remembered command id: forget its outcome when it comes due. */
  static final String DEDUP_KIND = "cmd";

  private static final int MAX_EXPIRIES_PER_PUNCTUATION = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(CommandProcessor.class);

  private final AppConfig config;
  private final CommandMetrics metrics;
  private final UnaryOperator<CommandHandler> decorate;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, Outcome> outcomes;
  private RetryRoutes routes;
  private DeadlineIndex deadlines;
  private EventAppliers appliers;
  private TaskHandler tasks;
  private LockHandler locks;
  private DecisionHandler decisions;
  private AgentEventHandler agentEvents;
  private StateRestoreHandler restores;

  public CommandProcessor(AppConfig config) {
    this(config, BatonMetrics.none().commands());
  }

  /** A processor recording into {@code metrics} (one instance per processor). */
  public CommandProcessor(AppConfig config, CommandMetrics metrics) {
    this(config, metrics, UnaryOperator.identity());
  }

  /** For tests: {@code decorate} wraps every command handler (e.g. to make one fail). */
  CommandProcessor(AppConfig config, UnaryOperator<CommandHandler> decorate) {
    this(config, BatonMetrics.none().commands(), decorate);
  }

  private CommandProcessor(
      AppConfig config, CommandMetrics metrics, UnaryOperator<CommandHandler> decorate) {
    this.config = config;
    this.metrics = metrics;
    this.decorate = decorate;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.outcomes = context.getStateStore(StoreNames.COMMAND_OUTCOMES);
    this.routes = new RetryRoutes(context.getStateStore(StoreNames.REPLY_ROUTES));
    KeyValueStore<String, String> deadlineStore = context.getStateStore(StoreNames.DEADLINES);
    this.deadlines = new DeadlineIndex(deadlineStore);
    this.appliers =
        EventAppliers.over(
            context.getStateStore(StoreNames.TASKS),
            context.getStateStore(StoreNames.LOCKS),
            context.getStateStore(StoreNames.DECISIONS),
            deadlineStore);
    ProcessingState state = appliers.state();
    tasks = new TaskHandler(state.tasks(), state.locks());
    locks = new LockHandler(state.locks(), LockRules.Limits.of(config));
    decisions = new DecisionHandler(state.decisionHeads());
    agentEvents = new AgentEventHandler();
    restores = new StateRestoreHandler(state.tasks(), state.locks());
    context.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  /** The handler of each command type; exhaustive, so a new type without one does not compile. */
  private CommandHandler handlerFor(CommandType type) {
    CommandHandler handler =
        switch (type) {
          case TASK_CREATE -> tasks::create;
          case TASK_UPDATE -> tasks::update;
          case TASK_CLAIM -> tasks::claim;
          case TASK_TRANSITION -> tasks::transition;
          case LOCK_ACQUIRE -> locks::acquire;
          case LOCK_RENEW -> locks::renew;
          case LOCK_RELEASE -> locks::release;
          case LOCK_CANCEL -> locks::cancel;
          case LOCK_FORCE_RELEASE -> locks::forceRelease;
          case DECISION_RECORD -> decisions;
          case EVENT_EMIT -> agentEvents;
          case STATE_RESTORE -> restores;
        };
    return decorate.apply(handler);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    long started = System.nanoTime();
    Instant now = now();
    ParsedCommand parsed = CommandCodec.parse(record.value());
    if (parsed instanceof ParsedCommand.Invalid invalid) {
      metrics.read(null);
      rejectInvalid(record.key(), invalid, now);
      return;
    }
    ParsedCommand.Valid valid = (ParsedCommand.Valid) parsed;
    Command cmd = valid.command();
    metrics.read(cmd.type());
    Outcome first = outcomes.get(cmd.id());
    if (first != null) {
      send(retried(valid, first, now), cmd.replyTo());
      return;
    }
    if (!valid.key().equals(record.key())) {
      answerRejected(
          cmd,
          valid.key(),
          OutcomeCode.INVALID,
          "record key '"
              + Names.printable(String.valueOf(record.key()))
              + "' does not match the command's aggregate key '"
              + valid.key()
              + "'",
          now);
      return;
    }
    Verdict verdict;
    try {
      verdict = handlerFor(cmd.type()).handle(valid, now);
      appliers.applyAll(applicable(verdict));
    } catch (InvalidCommandException e) {
      answerRejected(cmd, valid.key(), OutcomeCode.INVALID, e.getMessage(), now);
      return;
    } catch (RuntimeException e) {
      LOG.error("command {} ({}) on {} failed", cmd.id(), cmd.type().wire(), valid.key(), e);
      // Not remembered: nothing was written, so a retry decides afresh.
      send(
          Outcome.rejected(
              cmd.id(),
              cmd.type(),
              valid.key(),
              OutcomeCode.INTERNAL_ERROR,
              "internal error: " + e,
              now),
          cmd.replyTo());
      return;
    }
    publish(verdict, now);
    metrics.decided(cmd.type(), System.nanoTime() - started);
  }

  /**
   * The answer to a retry: the remembered outcome as {@code DUPLICATE}. A lock request that still
   * waits is answered with where it stands now (position, lock), and its final outcome will be sent
   * to the retry's reply partition too, so whoever retries after a crash hears the end of the wait.
   */
  private Outcome retried(ParsedCommand.Valid valid, Outcome first, Instant now) {
    if (first.status() != OutcomeStatus.QUEUED) {
      return first.asDuplicate();
    }
    LockHandler.StillQueued waiting = locks.stillQueued(valid, now);
    if (waiting == null) {
      return first.asDuplicate();
    }
    Command cmd = valid.command();
    routes.add(cmd.id(), waiting.queuedWith(), cmd.replyTo());
    return waiting.progress().asDuplicate();
  }

  private void answerRejected(
      Command cmd, String key, OutcomeCode code, String message, Instant now) {
    Outcome outcome = Outcome.rejected(cmd.id(), cmd.type(), key, code, message, now);
    remember(outcome);
    send(outcome, cmd.replyTo());
  }

  private void rejectInvalid(String key, ParsedCommand.Invalid invalid, Instant now) {
    LOG.debug("invalid command on key {}: {}", key, invalid.message());
    if (invalid.commandId() != null) {
      Outcome outcome =
          Outcome.rejected(
              invalid.commandId(),
              invalid.type(),
              key,
              OutcomeCode.INVALID,
              invalid.message(),
              now);
      // Not remembered: the record never became a command, so its id claims nothing.
      send(outcome, invalid.replyTo());
      return;
    }
    String eventKey = key == null ? "unknown" : key;
    RecordMetadata source = context.recordMetadata().orElse(null);
    CommandRejected data =
        source == null
            ? new CommandRejected(invalid.message(), null, null, null)
            : new CommandRejected(
                invalid.message(), source.topic(), source.partition(), source.offset());
    String id =
        source == null
            ? EventIds.rejected(eventKey, now.toEpochMilli())
            : EventIds.rejected(source.topic(), source.partition(), source.offset());
    Verdict verdict =
        Verdict.forDeadline()
            .event(id, EventType.COMMAND_REJECTED, eventKey, null, null, null, data)
            .build();
    appliers.applyAll(applicable(verdict));
    publish(verdict, now);
  }

  private void punctuate(long timestamp) {
    Instant now = now();
    List<DeadlineIndex.Entry> due = deadlines.due(now.toEpochMilli(), MAX_EXPIRIES_PER_PUNCTUATION);
    for (DeadlineIndex.Entry entry : due) {
      if (DEDUP_KIND.equals(entry.kind())) {
        deadlines.remove(entry);
        outcomes.delete(entry.id());
        routes.forget(entry.id());
        continue;
      }
      Verdict verdict = expire(entry, now);
      if (verdict.events().isEmpty()) {
        // The entry outlived what it was for (only data written before appliers kept the index
        // could hold one): drop it, or it would come due forever.
        LOG.debug("stale deadline entry {} {} dropped", entry.kind(), entry.id());
        deadlines.remove(entry);
        continue;
      }
      metrics.expired(LockDeadlines.LEASE.equals(entry.kind()));
      appliers.applyAll(applicable(verdict));
      publish(verdict, now);
    }
  }

  private Verdict expire(DeadlineIndex.Entry entry, Instant now) {
    return switch (entry.kind()) {
      case LockDeadlines.LEASE -> locks.expireLease(entry.id(), now);
      case LockDeadlines.WAIT -> locks.expireWait(entry.id(), now);
      default -> {
        LOG.warn("deadline entry of unknown kind {} for {} dropped", entry.kind(), entry.id());
        yield Verdict.forDeadline().build();
      }
    };
  }

  private static List<EventAppliers.Applicable> applicable(Verdict verdict) {
    return verdict.events().stream()
        .map(e -> new EventAppliers.Applicable(e.type(), e.key(), e.payload()))
        .toList();
  }

  /** After the verdict's events are applied: append them, then send its outcomes. */
  private void publish(Verdict verdict, Instant now) {
    long ts = now.toEpochMilli();
    for (Verdict.NewEvent event : verdict.events()) {
      context.forward(new Record<String, Object>(event.key(), event.toEvent(now), ts), EVENTS_SINK);
    }
    for (Verdict.Reply reply : verdict.replies()) {
      if (reply.answer()) {
        remember(reply.outcome());
      } else {
        Outcome queued = outcomes.get(reply.outcome().commandId());
        if (queued != null) {
          metrics.waited(queued, reply.outcome());
          // A queued request's retries now get its final answer.
          outcomes.put(reply.outcome().commandId(), reply.outcome());
        }
      }
      send(reply.outcome(), reply.replyTo());
      if (!reply.answer()) {
        // The same outcome to each retry's partition too; counted once (in send above).
        for (ReplyTo retry : routes.take(reply.outcome().commandId(), reply.replyTo())) {
          forward(reply.outcome(), retry);
        }
      }
    }
  }

  /**
   * Makes {@code outcome} the answer to retries of its command id until the dedup retention ends.
   */
  private void remember(Outcome outcome) {
    outcomes.put(outcome.commandId(), outcome);
    deadlines.add(
        now().toEpochMilli() + config.dedupRetention().toMillis(), DEDUP_KIND, outcome.commandId());
  }

  private void send(Outcome outcome, ReplyTo replyTo) {
    metrics.sent(outcome);
    forward(outcome, replyTo);
  }

  private void forward(Outcome outcome, ReplyTo replyTo) {
    context.forward(
        new Record<String, Object>(
            outcome.commandId(),
            new RoutedOutcome(outcome, replyTo),
            context.currentSystemTimeMs()),
        OUTCOMES_SINK);
  }

  private Instant now() {
    return Instant.ofEpochMilli(context.currentSystemTimeMs());
  }
}
