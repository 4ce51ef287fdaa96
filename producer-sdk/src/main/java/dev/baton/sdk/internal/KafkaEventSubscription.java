package dev.baton.sdk.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.EventFilter;
import dev.baton.sdk.EventListener;
import dev.baton.sdk.EventSubscription;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.EventCursor;
import dev.baton.sdk.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription reading {@code baton.events} directly: one {@code read_committed} consumer without
 * a group on a thread of its own, assigned every partition and positioned by the cursor. Kafka's
 * client reconnects by itself; when the consumer fails otherwise, a new one resumes from the cursor
 * after a pause. The cursor has the wire form of {@link EventCursor}, the same as the HTTP feed's.
 *
 * <p>The poll thread never runs user code: each polled batch goes to one ordered lane of the
 * client's callback executor ({@link Callbacks}), each listener call guarded (an exception is
 * logged and the next event follows), and the thread polls again only when the batch is done, so a
 * slow listener holds back its own subscription and nothing else.
 */
public final class KafkaEventSubscription implements EventSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSubscription.class);
  private static final ObjectMapper MAPPER = Json.mapper();
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final KafkaBatonClient.Settings settings;
  private final Executor lane;
  private final Consumer<KafkaEventSubscription> onClose;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
  private volatile Thread listenerThread;
  private final String workspace;
  private final EventFilter filter;
  private final EventListener listener;
  private final Thread thread;
  private final boolean fromNow;
  private final boolean fromBeginning;
  private volatile EventCursor cursor;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;

  private KafkaEventSubscription(
      KafkaBatonClient.Settings settings,
      Callbacks callbacks,
      String workspace,
      EventFilter filter,
      String from,
      EventListener listener,
      Consumer<KafkaEventSubscription> onClose) {
    this.settings = settings;
    this.lane = callbacks.serial();
    this.onClose = onClose;
    this.workspace = workspace;
    this.filter = filter;
    this.listener = listener;
    this.fromNow = from == null;
    this.fromBeginning = EventCursor.BEGINNING.equals(from);
    this.cursor = fromNow || fromBeginning ? EventCursor.START : EventCursor.parse("from", from);
    this.thread = new Thread(this::run, "baton-events-" + COUNT.incrementAndGet());
    this.thread.setDaemon(true);
  }

  /**
   * Validates {@code from}, connects, fixes "now", then polls on a new thread and delivers on the
   * callback executor; {@code onClose} runs once the subscription is closed.
   */
  static KafkaEventSubscription start(
      KafkaBatonClient.Settings settings,
      Callbacks callbacks,
      String workspace,
      EventFilter filter,
      String from,
      EventListener listener,
      Consumer<KafkaEventSubscription> onClose) {
    KafkaEventSubscription s =
        new KafkaEventSubscription(settings, callbacks, workspace, filter, from, listener, onClose);
    try {
      s.consumer = s.connect();
    } catch (KafkaException e) {
      throw new BatonException(
          "cannot subscribe to "
              + settings.topics().events()
              + " at "
              + settings.bootstrapServers()
              + ": "
              + e.getMessage(),
          e instanceof RetriableException,
          e);
    }
    s.thread.start();
    return s;
  }

  private KafkaConsumer<String, byte[]> connect() {
    Map<String, Object> c = new HashMap<>(settings.kafkaOverrides());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    KafkaConsumer<String, byte[]> k =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    try {
      String topic = settings.topics().events();
      List<TopicPartition> tps = new ArrayList<>();
      k.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
      k.assign(tps);
      Map<TopicPartition, Long> oldest = k.beginningOffsets(tps, Duration.ofSeconds(30));
      Map<TopicPartition, Long> end = fromNow ? k.endOffsets(tps, Duration.ofSeconds(30)) : null;
      TreeMap<Integer, Long> positions = new TreeMap<>(cursor.positions());
      for (TopicPartition tp : tps) {
        long position;
        if (end != null && !positions.containsKey(tp.partition())) {
          position = end.get(tp);
        } else if (!cursor.positions().containsKey(tp.partition())) {
          position = oldest.get(tp);
        } else {
          position = cursor.position(tp.partition());
        }
        positions.put(tp.partition(), position);
        k.seek(tp, position);
      }
      cursor = new EventCursor(positions);
      return k;
    } catch (RuntimeException e) {
      k.close(Duration.ZERO);
      throw e;
    }
  }

  private void run() {
    while (running) {
      try {
        if (consumer == null) {
          consumer = connect();
        }
        deliver(consumer);
      } catch (WakeupException e) {
        // closing
      } catch (OffsetOutOfRangeException e) {
        expired(e);
      } catch (KafkaException e) {
        if (running) {
          LOG.warn("event subscription of {} failed; resuming from {}", workspace, cursor, e);
          closeConsumer();
          sleep(RETRY);
        }
      }
    }
    closeConsumer();
  }

  private void deliver(KafkaConsumer<String, byte[]> k) {
    while (running) {
      ConsumerRecords<String, byte[]> records = k.poll(POLL);
      if (!records.isEmpty()) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        inFlight = done;
        lane.execute(() -> deliverBatch(records, done));
        CompletableFuture.anyOf(done, stopped).join();
        if (!running) {
          return;
        }
      }
      // Positions also move past transaction markers and aborted records.
      EventCursor moved = cursor;
      for (TopicPartition tp : k.assignment()) {
        moved = moved.with(tp.partition(), k.position(tp));
      }
      cursor = moved;
    }
  }

  /** On the callback lane: moves the cursor record by record and tells the listener. */
  private void deliverBatch(ConsumerRecords<String, byte[]> records, CompletableFuture<Void> done) {
    listenerThread = Thread.currentThread();
    try {
      for (ConsumerRecord<String, byte[]> r : records) {
        if (!running) {
          return;
        }
        cursor = cursor.with(r.partition(), r.offset() + 1);
        Event event = parse(r);
        if (event != null && filter.matches(workspace, r.key(), event.type(), event.agent())) {
          String at = cursor.encode();
          Callbacks.guarded("event listener on " + event.id(), () -> listener.onEvent(event, at))
              .run();
        }
      }
    } finally {
      listenerThread = null;
      done.complete(null);
    }
  }

  private static Event parse(ConsumerRecord<String, byte[]> r) {
    try {
      return MAPPER.readValue(r.value(), Event.class);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("skipping record {}-{}: not an event", r.partition(), r.offset());
      return null;
    }
  }

  private void expired(OffsetOutOfRangeException e) {
    running = false;
    Map<Integer, Long> oldest = new TreeMap<>();
    try {
      consumer
          .beginningOffsets(consumer.assignment(), Duration.ofSeconds(10))
          .forEach((tp, o) -> oldest.put(tp.partition(), o));
    } catch (KafkaException failed) {
      LOG.debug("cannot read the oldest offsets", failed);
    }
    LOG.warn("event subscription of {} expired at {}: {}", workspace, cursor, e.getMessage());
    String from = oldest.isEmpty() ? null : new EventCursor(oldest).encode();
    lane.execute(Callbacks.guarded("event listener onExpired", () -> listener.onExpired(from)));
    onClose.accept(this);
  }

  private void closeConsumer() {
    KafkaConsumer<String, byte[]> k = consumer;
    consumer = null;
    if (k != null) {
      k.close(Duration.ofSeconds(2));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String cursor() {
    return cursor.encode();
  }

  @Override
  public boolean running() {
    return running && thread.isAlive();
  }

  /**
   * Stops polling and delivering, then waits (up to 10 s each) for the poll thread to close its
   * consumer and for a running listener call to return, unless called from that listener.
   */
  @Override
  public void close() {
    running = false;
    stopped.complete(null);
    KafkaConsumer<String, byte[]> k = consumer;
    if (k != null) {
      k.wakeup();
    }
    try {
      if (Thread.currentThread() != thread) {
        thread.join(10_000);
      }
      if (Thread.currentThread() != listenerThread) {
        inFlight.get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("event listener of {} still running after close", workspace);
    }
    onClose.accept(this);
  }
}
