package dev.baton.app.http;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The {@link ReadRouter.Cluster} of a running topology, from Kafka Streams' metadata: each node's
 * advertised {@code application.server} and the partitions of the commands topic it hosts as active
 * (one sub-topology, so a task's partition is its stores' partition).
 */
final class StreamsCluster implements ReadRouter.Cluster {
  private final KafkaStreams streams;
  private final String commandsTopic;

  StreamsCluster(KafkaStreams streams, String commandsTopic) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.commandsTopic = Objects.requireNonNull(commandsTopic, "commandsTopic");
  }

  @Override
  public Map<String, Set<Integer>> nodes() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw new InvalidStateStoreException(
          "the nodes of the topology are not known while Kafka Streams is " + state);
    }
    Map<String, Set<Integer>> nodes = new TreeMap<>();
    for (StreamsMetadata node : streams.metadataForAllStreamsClients()) {
      Set<Integer> partitions = new HashSet<>();
      for (TopicPartition tp : node.topicPartitions()) {
        if (tp.topic().equals(commandsTopic)) {
          partitions.add(tp.partition());
        }
      }
      nodes
          .computeIfAbsent(node.host() + ":" + node.port(), n -> new HashSet<>())
          .addAll(partitions);
    }
    if (nodes.isEmpty()) {
      throw new InvalidStateStoreException("no node of the topology is known right now");
    }
    return nodes;
  }
}
