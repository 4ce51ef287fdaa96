package dev.baton.app.bench;

import dev.baton.app.config.AppConfig;
import dev.baton.app.runtime.BatonService;
import dev.baton.app.state.TaskQueries;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** A Baton node started for a benchmark, and the SDK clients that talk to it. */
public final class BenchNode implements AutoCloseable {
  private final AppConfig config;
  private final BatonService service;
  private final Map<String, String> clientConfig;
  private final TaskQueries queries;

  BenchNode(AppConfig config, BatonService service, Map<String, String> clientConfig) {
    this.config = config;
    this.service = service;
    this.clientConfig = clientConfig;
    this.queries = TaskQueries.of(service.streams());
  }

  public AppConfig config() {
    return config;
  }

  public BatonService service() {
    return service;
  }

  public String httpBase() {
    return "http://127.0.0.1:" + service.httpPort();
  }

  /** A new SDK client for {@code agent}, with the benchmark's client settings. */
  public BatonClient client(String agent) {
    BatonClient.Builder b =
        BatonClient.builder()
            .bootstrapServers(service.bootstrapServers())
            .topics(config.topics())
            .agent(agent)
            .requestTimeout(Duration.ofSeconds(60));
    clientConfig.forEach(b::kafkaProperty);
    return b.build();
  }

  /** {@code count} clients named {@code <prefix><i>}, started in parallel. */
  public List<BatonClient> clients(String prefix, int count) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(count, 16));
    try {
      List<CompletableFuture<BatonClient>> starting = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = prefix + i;
        starting.add(CompletableFuture.supplyAsync(() -> client(name), pool));
      }
      List<BatonClient> clients = new ArrayList<>();
      RuntimeException failure = null;
      for (CompletableFuture<BatonClient> f : starting) {
        try {
          clients.add(f.join());
        } catch (RuntimeException e) {
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        clients.forEach(BatonClient::close);
        throw failure;
      }
      return clients;
    } finally {
      pool.shutdown();
    }
  }

  /** Closes clients in parallel (each releases what it holds and waits for its reader). */
  public static void closeAll(List<BatonClient> clients) {
    clients.parallelStream().forEach(BatonClient::close);
  }

  /** The task {@code default/<id>} from the local store, retrying while the store is not ready. */
  public Task readTask(String taskId) {
    for (int attempt = 0; ; attempt++) {
      try {
        TaskQueries.Lookup lookup = queries.get(AggregateKeys.DEFAULT_WORKSPACE, taskId);
        if (lookup instanceof TaskQueries.Found found) {
          return found.task();
        }
        throw new IllegalStateException("task " + taskId + " is not in the store: " + lookup);
      } catch (InvalidStateStoreException e) {
        if (attempt > 200) {
          throw e;
        }
        sleep(50);
      }
    }
  }

  public TaskQueries queries() {
    return queries;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    service.close();
  }
}
