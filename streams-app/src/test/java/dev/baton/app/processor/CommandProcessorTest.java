package dev.baton.app.processor;

import static dev.baton.app.topology.CommandFixtures.bytes;
import static dev.baton.app.topology.CommandFixtures.create;
import static dev.baton.app.topology.CommandFixtures.patch;
import static dev.baton.app.topology.CommandFixtures.taskKey;
import static dev.baton.app.topology.CommandFixtures.update;
import static dev.baton.app.topology.CommandFixtures.withReplyTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.app.topology.RoutedOutcome;
import dev.baton.app.topology.StoreNames;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventType;
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
import java.util.List;
import java.util.Map;
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
}
