package dev.baton.app.processor;

import static dev.baton.app.topology.CommandFixtures.bytes;
import static dev.baton.app.topology.CommandFixtures.create;
import static dev.baton.app.topology.CommandFixtures.envelope;
import static dev.baton.app.topology.CommandFixtures.patch;
import static dev.baton.app.topology.CommandFixtures.taskKey;
import static dev.baton.app.topology.CommandFixtures.update;
import static dev.baton.app.topology.CommandFixtures.withReplyTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.state.RetryRoutes;
import dev.baton.app.topology.RoutedOutcome;
import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventPayload;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ReplyTo;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskStatus;
import dev.baton.sdk.protocol.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The command processor alone, over a {@link MockProcessorContext}: what it forwards to which sink,
 * with which reply routing, and how it remembers and forgets command ids.
 */
class CommandProcessorTest {
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private static final String T1 = "T1";
  private static final String K1 = taskKey(T1);

  private final AppConfig config = AppConfig.defaults(Map.of());
  private MockProcessorContext<String, Object> context;
  private KeyValueStore<String, Task> tasks;
  private KeyValueStore<String, Outcome> remembered;
  private final List<KeyValueStore<String, ?>> stores = new ArrayList<>();
  private CommandProcessor processor;

  /** The stores of {@code TopologyFactory}, in memory and without changelogs. */
  @BeforeEach
  void init() {
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(NOW.toEpochMilli());
    tasks =
        add(
            Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StoreNames.TASKS),
                Serdes.String(),
                JsonSerde.of(Task.class)));
    remembered =
        add(
            Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StoreNames.COMMAND_OUTCOMES),
                Serdes.String(),
                JsonSerde.of(Outcome.class)));
    add(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(StoreNames.LOCKS),
            Serdes.String(),
            JsonSerde.of(LockState.class)));
    add(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(StoreNames.REPLY_ROUTES),
            Serdes.String(),
            JsonSerde.of(RetryRoutes.Routes.class)));
    add(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(StoreNames.DECISIONS), Serdes.String(), Serdes.Integer()));
    add(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(StoreNames.DEADLINES), Serdes.String(), Serdes.String()));
    processor = new CommandProcessor(config);
    processor.init(context);
  }

  private <K, V> KeyValueStore<K, V> add(StoreBuilder<KeyValueStore<K, V>> builder) {
    KeyValueStore<K, V> store = builder.withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    @SuppressWarnings("unchecked")
    KeyValueStore<String, ?> named = (KeyValueStore<String, ?>) store;
    stores.add(named);
    return store;
  }

  private void process(String key, byte[] value) {
    context.resetForwards();
    processor.process(new Record<>(key, value, NOW.toEpochMilli()));
  }

  private void process(ObjectNode command) {
    process(K1, bytes(command));
  }

  private List<CapturedForward<? extends String, ?>> outcomes() {
    return context.forwarded(CommandProcessor.OUTCOMES_SINK);
  }

  private RoutedOutcome onlyOutcome() {
    assertThat(outcomes()).hasSize(1);
    return (RoutedOutcome) outcomes().get(0).record().value();
  }

  private List<CapturedForward<? extends String, ?>> events() {
    return context.forwarded(CommandProcessor.EVENTS_SINK);
  }

  @Nested
  class Routing {

    @Test
    void shouldRouteOutcomeToReplyPartition() {
      // given
      ObjectNode command = withReplyTo(create("alice", T1, "x"), 3);

      // when
      process(command);

      // then
      assertThat(outcomes().get(0).record().key()).isEqualTo(command.get("id").asText());
      RoutedOutcome routed = onlyOutcome();
      assertThat(routed.replyTo()).isEqualTo(new ReplyTo(3));
      assertThat(routed.outcome().code()).isEqualTo(OutcomeCode.OK);
    }

    @Test
    void shouldLeaveOutcomeWithoutReplyToToKeyPartitioning() {
      // when
      process(create("alice", T1, "x"));

      // then
      assertThat(onlyOutcome().replyTo()).isNull();
    }

    @Test
    void shouldRouteDuplicateToRetrysReplyPartition() {
      // given
      ObjectNode command = withReplyTo(create("alice", T1, "x"), 1);
      process(command);

      // when
      process(withReplyTo(command.deepCopy(), 4));

      // then
      RoutedOutcome routed = onlyOutcome();
      assertThat(routed.outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(routed.replyTo()).isEqualTo(new ReplyTo(4));
      assertThat(events()).isEmpty();
    }

    @Test
    void shouldRouteDuplicateOfRetryWithoutReplyToByKey() {
      // given
      ObjectNode command = withReplyTo(create("alice", T1, "x"), 1);
      process(command);
      ObjectNode retry = command.deepCopy();
      retry.remove("replyTo");

      // when
      process(retry);

      // then
      assertThat(onlyOutcome().outcome().status()).isEqualTo(OutcomeStatus.DUPLICATE);
      assertThat(onlyOutcome().replyTo()).isNull();
    }

    @Test
    void shouldRouteInvalidCommandToSalvagedReplyPartition() {
      // given
      ObjectNode command = withReplyTo(create("alice", T1, "x"), 2);
      ((ObjectNode) command.get("body")).put("titel", "typo");

      // when
      process(command);

      // then
      RoutedOutcome routed = onlyOutcome();
      assertThat(routed.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(routed.outcome().commandId()).isEqualTo(command.get("id").asText());
      assertThat(routed.replyTo()).isEqualTo(new ReplyTo(2));
    }

    @Test
    void shouldRouteInvalidEnvelopeToSalvagedReplyPartition() {
      // given
      ObjectNode command = withReplyTo(create("alice", T1, "x"), 5);
      command.put("expectedVersion", "one");

      // when
      process(command);

      // then
      assertThat(onlyOutcome().outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(onlyOutcome().replyTo()).isEqualTo(new ReplyTo(5));
    }

    @Test
    void shouldRouteKeyMismatchRejectionToReplyPartition() {
      // given
      ObjectNode command = withReplyTo(create("alice", T1, "x"), 2);

      // when
      process(taskKey("other"), bytes(command));

      // then
      assertThat(onlyOutcome().outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(onlyOutcome().replyTo()).isEqualTo(new ReplyTo(2));
    }

    @Test
    void shouldIgnoreNegativeReplyPartitionWhenSalvaging() {
      // given
      ObjectNode command = withReplyTo(create("alice", T1, "x"), -1);

      // when
      process(command);

      // then
      RoutedOutcome routed = onlyOutcome();
      assertThat(routed.outcome().code()).isEqualTo(OutcomeCode.INVALID);
      assertThat(routed.outcome().message()).contains("replyTo.partition");
      assertThat(routed.replyTo()).isNull();
    }

    @Test
    void shouldForwardEventsToEventsSinkKeyedByAggregateKey() {
      // when
      process(create("alice", T1, "x"));

      // then
      assertThat(events()).hasSize(1);
      Record<? extends String, ?> record = events().get(0).record();
      assertThat(record.key()).isEqualTo(K1);
      assertThat(((Event) record.value()).type()).isEqualTo(EventType.TASK_CREATED);
      assertThat(record.timestamp()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void shouldNameTheSourceRecordInRejectedEvent() {
      // given
      context.setRecordMetadata(Topics.COMMANDS, 3, 42L);

      // when
      process(K1, bytes("{"));

      // then
      assertThat(outcomes()).isEmpty();
      Event event = (Event) events().get(0).record().value();
      assertThat(event.type()).isEqualTo(EventType.COMMAND_REJECTED);
      assertThat(event.id()).isEqualTo("rejected:" + Topics.COMMANDS + "-3@42");
      assertThat(event.data().path("partition").asInt()).isEqualTo(3);
      assertThat(event.data().path("offset").asLong()).isEqualTo(42L);
      assertThat(event.at()).isEqualTo(NOW);
    }
  }

  @Nested
  class Dedup {

    @Test
    void shouldScheduleWallClockPunctuatorAtConfiguredInterval() {
      // then
      List<CapturedPunctuator> punctuators = context.scheduledPunctuators();
      assertThat(punctuators).hasSize(1);
      assertThat(punctuators.get(0).getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
      assertThat(punctuators.get(0).getInterval()).isEqualTo(config.punctuateInterval());
    }

    @Test
    void shouldRememberFirstOutcomeUntilRetentionPasses() {
      // given
      ObjectNode command = create("alice", T1, "x");
      String id = command.get("id").asText();
      process(command);
      long retention = config.dedupRetention().toMillis();

      // when
      punctuateAt(NOW.toEpochMilli() + retention - 1);

      // then
      assertThat(remembered.get(id)).isNotNull();

      // when
      punctuateAt(NOW.toEpochMilli() + retention);

      // then
      assertThat(remembered.get(id)).isNull();
    }

    @Test
    void shouldTreatForgottenIdAsNewCommand() {
      // given
      ObjectNode command = update("alice", T1, null, patch("{\"title\": \"y\"}"));
      process(command);
      assertThat(onlyOutcome().outcome().code()).isEqualTo(OutcomeCode.NOT_FOUND);
      punctuateAt(NOW.plus(Duration.ofDays(2)).toEpochMilli());
      process(create("alice", T1, "x"));

      // when
      process(command);

      // then
      assertThat(onlyOutcome().outcome().status()).isEqualTo(OutcomeStatus.ACCEPTED);
      assertThat(tasks.get(K1).title()).isEqualTo("y");
    }

    @Test
    void shouldAnswerRetryOfUnparseableCommandWithInvalidAgain() {
      // given
      ObjectNode command = create("alice", T1, "x");
      ((ObjectNode) command.get("body")).put("titel", "typo");
      process(command);

      // when
      process(command);

      // then
      assertThat(onlyOutcome().outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(onlyOutcome().outcome().code()).isEqualTo(OutcomeCode.INVALID);
    }

    private void punctuateAt(long time) {
      context.setCurrentSystemTimeMs(time);
      context.scheduledPunctuators().get(0).getPunctuator().punctuate(time);
    }
  }

  @Nested
  class Failures {

    @Test
    void shouldTurnHandlerFailureIntoInternalErrorOutcome() {
      // given: a stored task the rules cannot work with (no field versions)
      tasks.put(
          K1,
          new Task(
              T1,
              "default",
              "x",
              null,
              TaskStatus.OPEN,
              null,
              null,
              List.of(),
              List.of(),
              null,
              1L,
              "alice",
              NOW,
              "alice",
              NOW,
              null));

      // when
      process(update("bob", T1, null, patch("{\"title\": \"y\"}")));

      // then
      Outcome outcome = onlyOutcome().outcome();
      assertThat(outcome.status()).isEqualTo(OutcomeStatus.REJECTED);
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INTERNAL_ERROR);
      assertThat(outcome.message()).startsWith("internal error");
      assertThat(events()).isEmpty();
    }

    @Test
    void shouldKeepProcessingAfterInternalError() {
      // given
      tasks.put(
          K1,
          new Task(
              T1,
              "default",
              "x",
              null,
              TaskStatus.OPEN,
              null,
              null,
              List.of(),
              List.of(),
              null,
              1L,
              "alice",
              NOW,
              "alice",
              NOW,
              null));
      process(update("bob", T1, null, patch("{\"title\": \"y\"}")));

      // when
      process(taskKey("T2"), bytes(create("alice", "T2", "fine")));

      // then
      assertThat(onlyOutcome().outcome().code()).isEqualTo(OutcomeCode.OK);
    }
  }

  /** Every entry of every store, as JSON text per store name, to compare before and after. */
  private Map<String, Map<String, String>> storeContents() {
    Map<String, Map<String, String>> all = new TreeMap<>();
    for (KeyValueStore<String, ?> store : stores) {
      Map<String, String> entries = new TreeMap<>();
      try (var it = store.all()) {
        it.forEachRemaining(
            kv -> entries.put(kv.key, Json.mapper().valueToTree(kv.value).toString()));
      }
      all.put(store.name(), entries);
    }
    return all;
  }

  @Nested
  class DecideThenApply {
    private String waiterId;

    /** A processor on the same stores whose handlers are wrapped by {@code decorate}. */
    private void reinit(UnaryOperator<CommandHandler> decorate) {
      processor = new CommandProcessor(config, decorate);
      processor.init(context);
    }

    /**
     * Task T1 exclusively locked by alice, bob waiting (and retrying from another reply partition):
     * every store has something.
     */
    private void givenTaskWithLockAndWaiter() {
      process(create("alice", T1, "x"));
      process(K1, bytes(lock("lock.acquire", "alice", "EXCLUSIVE", null)));
      ObjectNode bob = lock("lock.acquire", "bob", "EXCLUSIVE", 60_000L);
      waiterId = bob.get("id").asText();
      process(K1, bytes(bob));
      ObjectNode bobRetry = bob.deepCopy();
      bobRetry.putObject("replyTo").put("partition", 3);
      process(K1, bytes(bobRetry));
      ObjectNode decision = envelope("decision.record", "alice");
      decision.putObject("body").put("title", "Use RocksDB").put("decision", "yes");
      process(AggregateKeys.decisions("default"), bytes(decision));
      assertThat(storeContents().values()).allSatisfy(entries -> assertThat(entries).isNotEmpty());
    }

    private ObjectNode lock(String type, String agent, String mode, Long waitMs) {
      ObjectNode cmd = envelope(type, agent);
      ObjectNode body = cmd.putObject("body").put("resource", "task/" + T1);
      if (mode != null) {
        body.put("mode", mode);
      }
      if (waitMs != null) {
        body.put("waitMs", waitMs);
      }
      return cmd;
    }

    @Test
    void shouldWriteNothingWhenTheHandlerThrowsAfterDeciding() {
      // given
      givenTaskWithLockAndWaiter();
      Map<String, Map<String, String>> before = storeContents();
      reinit(
          handler ->
              (valid, now) -> {
                Verdict decided = handler.handle(valid, now);
                assertThat(decided.events()).isNotEmpty();
                throw new IllegalStateException("failed after deciding");
              });
      ObjectNode release = lock("lock.release", "alice", null, null);

      // when: a release that would hand the lock to bob
      process(K1, bytes(release));

      // then
      Outcome outcome = onlyOutcome().outcome();
      assertThat(outcome.code()).isEqualTo(OutcomeCode.INTERNAL_ERROR);
      assertThat(events()).isEmpty();
      assertThat(storeContents()).isEqualTo(before);
    }

    @Test
    void shouldWriteNothingWhenAnApplierFailsHalfwayThroughTheEvents() {
      // given
      givenTaskWithLockAndWaiter();
      Map<String, Map<String, String>> before = storeContents();
      Task task = tasks.get(K1);
      reinit(
          handler ->
              (valid, now) -> {
                Verdict decided = handler.handle(valid, now);
                // The decided events, then one whose payload does not fit its type.
                List<Verdict.NewEvent> events = new ArrayList<>(decided.events());
                events.add(
                    new Verdict.NewEvent(
                        "bad:0",
                        EventType.LOCK_GRANTED,
                        K1,
                        9L,
                        "alice",
                        "bad",
                        new EventPayload.TaskChanged(task)));
                return new Verdict(events, decided.replies());
              });

      // when
      process(K1, bytes(lock("lock.release", "alice", null, null)));

      // then
      assertThat(onlyOutcome().outcome().code()).isEqualTo(OutcomeCode.INTERNAL_ERROR);
      assertThat(events()).isEmpty();
      assertThat(storeContents()).isEqualTo(before);
    }

    @Test
    void shouldNotRememberAnInternalErrorSoARetryDecidesAfresh() {
      // given
      givenTaskWithLockAndWaiter();
      String waiter = waiterId;
      ObjectNode release = lock("lock.release", "alice", null, null);
      CommandProcessor working = processor;
      reinit(
          handler ->
              (valid, now) -> {
                throw new IllegalStateException("transient");
              });
      process(K1, bytes(release));
      processor = working;

      // when
      process(K1, bytes(release));

      // then: released, and bob, who waited, granted (told where he asked and where he retried)
      assertThat(outcomes())
          .extracting(f -> ((RoutedOutcome) f.record().value()).outcome())
          .extracting(Outcome::commandId, Outcome::status)
          .containsExactly(
              tuple(release.get("id").asText(), OutcomeStatus.ACCEPTED),
              tuple(waiter, OutcomeStatus.GRANTED),
              tuple(waiter, OutcomeStatus.GRANTED));
      assertThat(events())
          .extracting(f -> ((Event) f.record().value()).type())
          .containsExactly(EventType.LOCK_RELEASED, EventType.LOCK_GRANTED);
    }
  }
}
