package dev.baton.app.topology;

import dev.baton.app.config.AppConfig;
import dev.baton.app.metrics.BatonMetrics;
import dev.baton.app.processor.CommandProcessor;
import dev.baton.app.state.RetryRoutes;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds Baton's topology: {@code baton.commands} -> {@link CommandProcessor} (with the six RocksDB
 * stores of {@link StoreNames}: {@code tasks}, {@code locks}, {@code command-outcomes}, {@code
 * reply-routes}, {@code decisions} and {@code deadlines}) -> {@code baton.outcomes} (routed to each
 * client's reply partition) and {@code baton.events}. Pure: no I/O, so tests build it for {@code
 * TopologyTestDriver}.
 */
public final class TopologyFactory {
  static final String SOURCE = "commands-source";
  static final String PROCESSOR = "command-processor";

  private TopologyFactory() {}

  public static Topology build(AppConfig config) {
    return build(config, BatonMetrics.none());
  }

  /** The topology whose processors record into {@code metrics}. */
  public static Topology build(AppConfig config, BatonMetrics metrics) {
    Topics topics = config.topics();
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.commands());
    topology.addProcessor(
        PROCESSOR, () -> new CommandProcessor(config, metrics.commands()), SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.TASKS),
            Serdes.String(),
            JsonSerde.of(Task.class)),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.LOCKS),
            Serdes.String(),
            JsonSerde.of(LockState.class)),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.COMMAND_OUTCOMES),
            Serdes.String(),
            JsonSerde.of(Outcome.class)),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.REPLY_ROUTES),
            Serdes.String(),
            JsonSerde.of(RetryRoutes.Routes.class)),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.DECISIONS),
            Serdes.String(),
            Serdes.Integer()),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.DEADLINES), Serdes.String(), Serdes.String()),
        PROCESSOR);
    topology.addSink(
        CommandProcessor.OUTCOMES_SINK,
        topics.outcomes(),
        new StringSerializer(),
        new RoutedOutcomeSerializer(),
        new OutcomePartitioner(),
        PROCESSOR);
    topology.addSink(
        CommandProcessor.EVENTS_SINK,
        topics.events(),
        new StringSerializer(),
        JsonSerde.of(Event.class).serializer(),
        PROCESSOR);
    return topology;
  }
}
