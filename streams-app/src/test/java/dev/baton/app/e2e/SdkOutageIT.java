package dev.baton.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.app.broker.EmbeddedKafkaBroker;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK when Kafka is absent or goes away: {@code build()} and sends are bounded by the
 * configured timeouts, fail with {@link BatonException}s, and leave no thread behind. Bounds are
 * checked with a wide margin (they guard against the minute-long blocks of Kafka's defaults, not
 * against a slow machine).
 */
class SdkOutageIT {
  /** Nothing listens here (a port of this test's range). */
  private static final String UNREACHABLE = "127.0.0.1:19531";

  private static final long MARGIN_MS = 5_000;

  private static Set<String> threadsNaming(String agent) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.contains(agent))
        .collect(Collectors.toSet());
  }

  @Test
  void shouldFailBuildWithinTheConnectTimeoutAndLeaveNoThread() {
    String agent = "absent-" + UUID.randomUUID().toString().substring(0, 8);
    Duration connectTimeout = Duration.ofSeconds(2);

    long start = System.nanoTime();
    BatonException e =
        catchThrowableOfType(
            BatonException.class,
            () ->
                BatonClient.builder()
                    .bootstrapServers(UNREACHABLE)
                    .agent(agent)
                    .connectTimeout(connectTimeout)
                    .build());
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(e).isNotNull();
    assertThat(e.retriable()).isTrue();
    assertThat(e.getMessage()).contains(UNREACHABLE).contains("2000 ms");
    assertThat(tookMs).isLessThan(connectTimeout.toMillis() + MARGIN_MS);
    assertThat(threadsNaming(agent)).as("threads left by the failed build").isEmpty();
  }

  @Test
  void shouldNotBlockASendLongerThanTheRequestTimeoutWhileKafkaIsDown(@TempDir Path dir)
      throws Exception {
    // given: a broker of its own, with the topics, and a client connected to it
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Settings(dir, 0, Map.of()));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.DEFAULT.commands(), Optional.of(1), Optional.empty()),
                  new NewTopic(Topics.DEFAULT.outcomes(), Optional.of(1), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Duration requestTimeout = Duration.ofSeconds(2);
    String agent = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    BatonClient client =
        BatonClient.builder()
            .bootstrapServers(broker.bootstrapServers())
            .agent(agent)
            .requestTimeout(requestTimeout)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    List<String> health = new CopyOnWriteArrayList<>();
    client.addHealthListener((healthy, reason) -> health.add(healthy + ": " + reason));

    // when: the broker is gone and the client's first command is sent
    broker.close();
    long start = System.nanoTime();
    CompletableFuture<Outcome> created = client.tasks().create(NewTask.titled("during outage"));
    long blockedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // then: the caller was not held, and the future fails within the request timeout
    assertThat(blockedMs).isLessThan(requestTimeout.toMillis() + MARGIN_MS);
    ExecutionException failed =
        catchThrowableOfType(
            ExecutionException.class,
            () -> created.get(requestTimeout.toMillis() + MARGIN_MS, TimeUnit.MILLISECONDS));
    assertThat(failed).hasCauseInstanceOf(BatonException.class);
    assertThat(((BatonException) failed.getCause()).retriable()).isTrue();
    assertThat(client.isHealthy()).isFalse();
    waitFor(() -> !health.isEmpty());
    assertThat(health.get(0)).startsWith("false: ");

    client.close();
    waitFor(() -> threadsNaming(agent).isEmpty());
    assertThat(threadsNaming(agent)).as("threads left after close").isEmpty();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
