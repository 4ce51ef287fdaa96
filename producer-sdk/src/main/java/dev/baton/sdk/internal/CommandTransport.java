package dev.baton.sdk.internal;

import dev.baton.sdk.BatonException;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.BatonTimeoutException;
import dev.baton.sdk.HealthListener;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends commands and matches outcomes to them. One idempotent producer ({@code acks=all}) writes
 * {@code baton.commands}; one reader thread reads the single partition of {@code baton.outcomes}
 * named in every command's {@code replyTo} ({@code read_committed}, since the topology writes in
 * transactions) and hands each outcome to the {@link Callbacks} lane of its command, which runs the
 * progress callbacks and completes the future. Outcomes for other clients on the same partition are
 * skipped.
 *
 * <p>Threads: the reader ({@code baton-sdk-replies-<client>}), one timer ({@code
 * baton-sdk-timer-<client>}: timeouts and lock renewals) and the callback executor. None of them
 * runs before {@link #start} has connected, so a failed start leaves no thread behind.
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
  private final Callbacks callbacks;
  private final ClientHealth health;
  private final Thread reader;
  private volatile boolean closed;
  private final KafkaBatonClient.Settings settings;

  /**
   * A command waiting for its outcome. A second send of the same command id while the first is in
   * flight joins it (one future; every caller sees the progress, the latest one at once when it
   * joins) instead of replacing it. Its progress and its completion run in order on one lane.
   */
  private static final class Pending {
    final CompletableFuture<Outcome> future;
    final Executor lane;
    private final List<Consumer<Outcome>> listeners = new ArrayList<>();
    private Outcome lastProgress;

    Pending(CompletableFuture<Outcome> future, Executor lane, Consumer<Outcome> first) {
      this.future = future;
      this.lane = lane;
      listeners.add(first);
    }

    synchronized void progress(Outcome outcome) {
      lastProgress = outcome;
      List<Consumer<Outcome>> now = List.copyOf(listeners);
      lane.execute(() -> now.forEach(l -> tell(l, outcome)));
    }

    synchronized void join(Consumer<Outcome> listener) {
      listeners.add(listener);
      if (lastProgress != null) {
        Outcome last = lastProgress;
        lane.execute(() -> tell(listener, last));
      }
    }

    void complete(Outcome outcome) {
      lane.execute(() -> future.complete(outcome));
    }

    void fail(Throwable error) {
      lane.execute(() -> future.completeExceptionally(error));
    }

    private static void tell(Consumer<Outcome> listener, Outcome outcome) {
      Callbacks.guarded(
              "progress callback for command " + outcome.commandId(),
              () -> listener.accept(outcome))
          .run();
    }
  }

  private CommandTransport(Connection connection, KafkaBatonClient.Settings s) {
    this.settings = s;
    this.producer = connection.producer();
    this.consumer = connection.consumer();
    this.replyTo = connection.replyTo();
    this.topics = s.topics();
    this.timeout = s.requestTimeout();
    this.callbacks = Callbacks.on(s.callbackExecutor(), s.clientId());
    this.health = new ClientHealth(callbacks);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "baton-sdk-timer-" + s.clientId()));
    this.reader = daemon(this::readReplies, "baton-sdk-replies-" + s.clientId());
    reader.start();
  }

  /** What the client was built with. */
  KafkaBatonClient.Settings settings() {
    return settings;
  }

  /**
   * Connects within the settings' connect timeout and starts the reader; fails with a {@link
   * BatonException} (and no thread left running) when the cluster cannot be reached in time or the
   * outcomes topic does not exist.
   */
  static CommandTransport start(KafkaBatonClient.Settings settings) {
    return new CommandTransport(Connection.open(settings), settings);
  }

  /** The client's timer, for renewals and lease deadlines. Never runs user code. */
  ScheduledExecutorService timer() {
    return timer;
  }

  Callbacks callbacks() {
    return callbacks;
  }

  boolean isHealthy() {
    return health.isHealthy() && reader.isAlive();
  }

  void addHealthListener(HealthListener listener) {
    health.addListener(listener);
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
   * BatonRejectedException}, {@link BatonTimeoutException} or {@link InvalidCommandException}, all
   * {@link BatonException}s. Never blocks the caller longer than the producer's {@code
   * max.block.ms}, which the client sets no higher than the request timeout.
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
    Pending mine = new Pending(future, callbacks.serial(), progress);
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
                BatonTimeoutException e = new BatonTimeoutException(id, timeoutMs);
                health.unhealthy(e.getMessage());
                mine.fail(e);
              }
            },
            timeoutMs,
            TimeUnit.MILLISECONDS);
    future.whenComplete((o, e) -> timeoutTask.cancel(false));
    try {
      producer.send(
          new ProducerRecord<>(topics.commands(), key, CommandCodec.write(routed)),
          (metadata, e) -> {
            if (e != null) {
              sendFailed(id, mine, e);
            }
          });
    } catch (KafkaException e) {
      // Metadata or buffer space not available within max.block.ms, or the producer is closed.
      sendFailed(id, mine, e);
    }
    return future;
  }

  private void sendFailed(String id, Pending p, Exception e) {
    if (pending.remove(id, p)) {
      String message = "could not send command " + id + ": " + e.getMessage();
      health.unhealthy(message);
      p.fail(new BatonException(message, e instanceof RetriableException, e));
    }
  }

  private void readReplies() {
    while (!closed) {
      try {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Pending p = record.key() == null ? null : pending.get(record.key());
          if (p != null) {
            deliver(record.key(), p, record.value());
          }
        }
      } catch (WakeupException e) {
        if (!closed) {
          LOG.warn("reply reader woken unexpectedly; reading on");
        }
      } catch (RuntimeException e) {
        // Keep reading: a dead reader would leave every later command of this client unanswered.
        health.unhealthy("reply reader error: " + e);
        LOG.warn("reply reader error; retrying in 1 s", e);
        pause();
      }
    }
    consumer.close(Duration.ofSeconds(1));
  }

  private void pause() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    health.healthy("outcome received");
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
      p.complete(outcome);
    } else {
      p.fail(new BatonRejectedException(outcome));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumer.wakeup();
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    producer.close(Duration.ofSeconds(5));
    BatonException closedError = new BatonException("client closed", false, null);
    pending.values().forEach(p -> p.fail(closedError));
    pending.clear();
    callbacks.shutdown();
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
