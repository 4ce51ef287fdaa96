package dev.baton.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.config.AppConfig;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.LockState;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The whole topology in a {@link TopologyTestDriver}: pipe raw command bytes in, read what one
 * command produced. The wall clock starts at {@link #START} and only moves when a test moves it.
 */
public final class TopologyHarness implements AutoCloseable {
  public static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
  private static final String APPLICATION_ID = "baton-topology-test";

  private final Path stateDir;
  private final Path taskData;
  private final AppConfig config;
  private Instant clock = START;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> commands;
  private TestOutputTopic<String, Outcome> outcomes;
  private TestOutputTopic<String, Event> events;

  public TopologyHarness(Path stateDir) {
    this(stateDir, Map.of());
  }

  public TopologyHarness(Path stateDir, Map<String, ?> overrides) {
    this.stateDir = stateDir;
    this.taskData = stateDir.resolve("kept-task-0_0");
    this.config = AppConfig.defaults(overrides);
    open(START);
  }

  /** What one piped record produced: every outcome (keyed by command id) and event (by key). */
  public record Reply(
      List<KeyValue<String, Outcome>> outcomes, List<KeyValue<String, Event>> events) {

    /** The one outcome; fails the test unless there is exactly one. */
    public Outcome outcome() {
      assertThat(outcomes).as("outcomes of one command").hasSize(1);
      return outcomes.get(0).value;
    }

    /** The one event; fails the test unless there is exactly one. */
    public Event event() {
      assertThat(events).as("events of one command").hasSize(1);
      return events.get(0).value;
    }
  }

  private void open(Instant wallClock) {
    linkTaskDirectory();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(TopologyFactory.build(config), props, wallClock);
    commands =
        driver.createInputTopic(Topics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
    outcomes =
        driver.createOutputTopic(
            Topics.OUTCOMES, new StringDeserializer(), JsonSerde.of(Outcome.class));
    events =
        driver.createOutputTopic(
            Topics.EVENTS, new StringDeserializer(), JsonSerde.of(Event.class));
  }

  /**
   * Closes the driver and opens a new one on the same state directory, as after a restart of the
   * service: the new driver finds the RocksDB stores the old one left.
   *
   * <p>{@link TopologyTestDriver#close()} flushes the stores and then deletes every task directory
   * ({@code StateDirectory.clean()}). The harness therefore makes the one task directory ({@code
   * <state.dir>/<application.id>/0_0}) a symbolic link to {@code <state.dir>/kept-task-0_0}: the
   * clean-up deletes the link, not the data, and the link is put back before the next driver opens.
   */
  public void restart() {
    driver.close();
    open(clock);
  }

  /** Sends a fixture command under its own aggregate key. */
  public Reply send(ObjectNode command) {
    return send(CommandFixtures.keyOf(command), CommandFixtures.bytes(command));
  }

  /** Sends raw bytes under {@code key}; either may be null. */
  public Reply send(String key, byte[] value) {
    commands.pipeInput(key, value, now());
    return new Reply(outcomes.readKeyValuesToList(), events.readKeyValuesToList());
  }

  /** The task as the processor stored it, or null. */
  public Task task(String key) {
    KeyValueStore<String, Task> tasks = driver.getKeyValueStore(StoreNames.TASKS);
    return tasks.get(key);
  }

  /** The lock as the processor stored it, or null. */
  public LockState lock(String key) {
    KeyValueStore<String, LockState> locks = driver.getKeyValueStore(StoreNames.LOCKS);
    return locks.get(key);
  }

  /** Every entry of store {@code storeName}, in key order. */
  public Map<String, Object> contents(String storeName) {
    KeyValueStore<String, Object> store = driver.getKeyValueStore(storeName);
    Map<String, Object> entries = new TreeMap<>();
    try (var all = store.all()) {
      all.forEachRemaining(kv -> entries.put(kv.key, kv.value));
    }
    return entries;
  }

  /** Moves the wall clock by {@code by} and returns what the punctuations produced. */
  public Reply advance(Duration by) {
    advanceWallClock(by);
    return new Reply(outcomes.readKeyValuesToList(), events.readKeyValuesToList());
  }

  /** The remembered first outcome of {@code commandId}, or null. */
  public Outcome rememberedOutcome(String commandId) {
    KeyValueStore<String, Outcome> remembered =
        driver.getKeyValueStore(StoreNames.COMMAND_OUTCOMES);
    return remembered.get(commandId);
  }

  public void advanceWallClock(Duration by) {
    clock = clock.plus(by);
    driver.advanceWallClockTime(by);
  }

  /** The driver's wall clock (the driver does not expose it, so the harness keeps it). */
  public Instant now() {
    return clock;
  }

  @Override
  public void close() {
    driver.close();
    deleteTree(taskData);
  }

  private void linkTaskDirectory() {
    Path taskDir = stateDir.resolve(APPLICATION_ID).resolve("0_0");
    try {
      Files.createDirectories(taskData);
      Files.createDirectories(taskDir.getParent());
      if (!Files.isSymbolicLink(taskDir)) {
        Files.createSymbolicLink(taskDir, taskData);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot link " + taskDir + " to " + taskData, e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
