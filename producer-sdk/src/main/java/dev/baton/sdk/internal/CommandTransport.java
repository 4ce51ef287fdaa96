package dev.baton.sdk.internal;

import dev.baton.sdk.BatonException;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.BatonTimeoutException;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandCodec;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.ParsedCommand;
import dev.baton.sdk.protocol.ReplyTo;
import dev.baton.sdk.protocol.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends commands and matches outcomes to them. One idempotent producer ({@code acks=all}) writes
 * {@code baton.commands}; one reader thread reads the single partition of {@code baton.outcomes}
 * named in every command's {@code replyTo} ({@code read_committed}, since the topology writes in
 * transactions) and completes the pending futures. Outcomes for other clients on the same partition
 * are skipped.
 */
public final class CommandTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommandTransport.class);

  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Topics topics;
  private final ReplyTo replyTo;
  private final Duration timeout;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Thread reader;
  private volatile boolean closed;
  private final KafkaBatonClient.Settings settings;

  /** A command waiting for its final outcome; {@code progress} sees intermediate ones (QUEUED). */
  /**
   * A command waiting for its outcome. A second send of the same command id while the first is in
   * flight joins it (one future; every caller sees the progress, the latest one at once when it
   * joins) instead of replacing it.
   */
  private static final class Pending {
    final CompletableFuture<Outcome> future;
    private final List<Consumer<Outcome>> listeners = new ArrayList<>();
    private Outcome lastProgress;

    Pending(CompletableFuture<Outcome> future, Consumer<Outcome> first) {
      this.future = future;
      listeners.add(first);
    }

    synchronized void progress(Outcome outcome) {
      lastProgress = outcome;
      listeners.forEach(listener -> listener.accept(outcome));
    }

    synchronized void join(Consumer<Outcome> listener) {
      listeners.add(listener);
      if (lastProgress != null) {
        listener.accept(lastProgress);
      }
    }
  }

  private CommandTransport(KafkaBatonClient.Settings s) {
    this.settings = s;
    Map<String, Object> common = new HashMap<>(s.kafkaOverrides());
    common.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());

    Map<String, Object> p = new HashMap<>(common);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "baton-sdk-" + s.agent());
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());

    Map<String, Object> c = new HashMap<>(common);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());

    this.topics = s.topics();
    List<PartitionInfo> partitions = producer.partitionsFor(topics.outcomes());
    if (partitions == null || partitions.isEmpty()) {
      close();
      throw new BatonException("topic " + topics.outcomes() + " does not exist", true, null);
    }
    int partition =
        s.replyPartition() != null
            ? s.replyPartition() % partitions.size()
            : ThreadLocalRandom.current().nextInt(partitions.size());
    this.replyTo = new ReplyTo(partition);
    TopicPartition tp = new TopicPartition(topics.outcomes(), partition);
    consumer.assign(List.of(tp));
    consumer.seekToEnd(List.of(tp));
    // Resolve the position now: an outcome written after this point cannot be missed.
    consumer.position(tp);
    this.timeout = s.requestTimeout();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "baton-sdk-timeouts-" + s.agent()));
    this.reader = daemon(this::readReplies, "baton-sdk-replies-" + s.agent());
    reader.start();
  }

  /** What the client was built with. */
  KafkaBatonClient.Settings settings() {
    return settings;
  }

  static CommandTransport start(KafkaBatonClient.Settings settings) {
    return new CommandTransport(settings);
  }

  /** The client's timer, for renewals. */
  ScheduledExecutorService timer() {
    return timer;
  }

  /** The reply partition this client reads. */
  public ReplyTo replyTo() {
    return replyTo;
  }

  /** Sends {@code command} and completes with its final outcome. */
  public CompletableFuture<Outcome> send(Command command) {
    return send(command, outcome -> {}, Duration.ZERO);
  }

  /**
   * Sends {@code command}; {@code progress} sees intermediate outcomes (a lock request's {@code
   * QUEUED}); the future completes with the final one, or fails with {@link
   * BatonRejectedException}, {@link BatonTimeoutException} or {@link InvalidCommandException}.
   */
  public CompletableFuture<Outcome> send(
      Command command, Consumer<Outcome> progress, Duration extraWait) {
    CompletableFuture<Outcome> future = new CompletableFuture<>();
    if (closed) {
      future.completeExceptionally(new BatonException("client is closed", false, null));
      return future;
    }
    Command routed =
        new Command(
            command.id(),
            command.type(),
            command.workspace(),
            command.agent(),
            command.issuedAt(),
            command.expectedVersion(),
            command.fence(),
            replyTo,
            command.body());
    ParsedCommand parsed = CommandCodec.parse(Json.mapper().valueToTree(routed));
    if (parsed instanceof ParsedCommand.Invalid invalid) {
      future.completeExceptionally(new InvalidCommandException(invalid.message()));
      return future;
    }
    String key = ((ParsedCommand.Valid) parsed).key();
    String id = routed.id();
    Pending mine = new Pending(future, progress);
    Pending inFlight = pending.putIfAbsent(id, mine);
    if (inFlight != null) {
      // The same command id again (a retry by the caller) while it is in flight: one answer.
      inFlight.join(progress);
      return inFlight.future;
    }
    long timeoutMs = timeout.toMillis() + extraWait.toMillis();
    var timeoutTask =
        timer.schedule(
            () -> {
              if (pending.remove(id, mine)) {
                future.completeExceptionally(new BatonTimeoutException(id, timeoutMs));
              }
            },
            timeoutMs,
            TimeUnit.MILLISECONDS);
    future.whenComplete((o, e) -> timeoutTask.cancel(false));
    producer.send(
        new ProducerRecord<>(topics.commands(), key, CommandCodec.write(routed)),
        (metadata, e) -> {
          if (e != null && pending.remove(id, mine)) {
            future.completeExceptionally(
                new BatonException(
                    "could not send command " + id + ": " + e.getMessage(),
                    e instanceof RetriableException,
                    e));
          }
        });
    return future;
  }

  private void readReplies() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Pending p = record.key() == null ? null : pending.get(record.key());
          if (p != null) {
            deliver(record.key(), p, record.value());
          }
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        LOG.error("reply reader woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("reply reader failed; pending commands will time out", e);
    } finally {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  private void deliver(String commandId, Pending p, byte[] bytes) {
    Outcome outcome;
    try {
      outcome = Json.mapper().readValue(bytes, Outcome.class);
    } catch (IOException e) {
      LOG.warn("unreadable outcome for command {} skipped", commandId, e);
      return;
    }
    OutcomeStatus effective =
        outcome.status() == OutcomeStatus.DUPLICATE ? outcome.originalStatus() : outcome.status();
    if (effective == OutcomeStatus.QUEUED) {
      p.progress(outcome);
      return;
    }
    if (!pending.remove(commandId, p)) {
      return; // timed out or answered meanwhile
    }
    if (outcome.isSuccess()) {
      p.future.complete(outcome);
    } else {
      p.future.completeExceptionally(new BatonRejectedException(outcome));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (reader == null) {
      consumer.close(Duration.ofSeconds(1));
    } else {
      try {
        reader.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    producer.close(Duration.ofSeconds(5));
    BatonException closedError = new BatonException("client closed", false, null);
    pending.values().forEach(p -> p.future.completeExceptionally(closedError));
    pending.clear();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
