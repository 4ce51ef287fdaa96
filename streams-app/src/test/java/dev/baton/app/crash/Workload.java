package dev.baton.app.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.crash.CommandRecord.Answer;
import dev.baton.app.crash.CommandRecord.Kind;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Independent agents over plain HTTP ({@code java.net.http}), each in its own thread with its own
 * seeded {@link Random}: they create tasks, update a few shared tasks, and take the shared tasks'
 * exclusive locks, write under the fence and release. Every write carries an {@code
 * Idempotency-Key}; after a connection error, a 503, a 504 or a 429 the same request is sent again
 * with the same key until an outcome arrives or the client's patience runs out, and now and then an
 * answered request is sent once more (a probe, which must be answered {@code DUPLICATE}). Every
 * attempt is recorded in a {@link CommandRecord}.
 *
 * <p>A long-poll acquire retried after a node crash may never be answered (the queued-retry defect
 * of issue 11 item 2): the client then gives up on it after its patience, records it as unanswered
 * and goes on; its lease runs out on its own.
 */
public final class Workload implements AutoCloseable {
  /** How long one attempt may wait for its answer. */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);

  static final long LEASE_MS = 4_000;

  /** How one client reaches the node. */
  public record Client(String agent, String token) {}

  private final String base;
  private final String workspace;
  private final List<String> shared;
  private final Duration patience;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<CommandRecord> history = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong lastAcknowledgedAt = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  private Workload(String base, String workspace, List<String> shared, Duration patience) {
    this.base = base;
    this.workspace = workspace;
    this.shared = shared;
    this.patience = patience;
  }

  /**
   * Starts one thread per client.
   *
   * @param base the node's URL, {@code http://127.0.0.1:PORT}
   * @param shared ids of tasks that exist already, which every client updates and locks
   * @param patience how long a client keeps retrying one command before giving up
   */
  public static Workload start(
      String base,
      String workspace,
      List<Client> clients,
      List<String> shared,
      Duration patience,
      long seed) {
    Workload w = new Workload(base, workspace, shared, patience);
    for (int i = 0; i < clients.size(); i++) {
      Client c = clients.get(i);
      Random random = new Random(seed * 31 + i);
      Thread t = new Thread(() -> w.run(c, random), "workload-" + c.agent());
      t.setDaemon(true);
      w.threads.add(t);
    }
    w.threads.forEach(Thread::start);
    return w;
  }

  /** Commands with an acknowledged effect so far. */
  public long acknowledged() {
    return acknowledged.get();
  }

  /** Wall-clock time of the last acknowledgement. */
  public long lastAcknowledgedAtMillis() {
    return lastAcknowledgedAt.get();
  }

  public List<CommandRecord> history() {
    return List.copyOf(history);
  }

  /** Stops the clients after their current command and waits for them. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(patience.plus(ATTEMPT_TIMEOUT).toMillis() + 10_000);
    }
  }

  private void run(Client c, Random random) {
    int n = 0;
    while (running.get()) {
      n++;
      int dice = random.nextInt(100);
      String task = shared.get(random.nextInt(shared.size()));
      if (dice < 25) {
        String id = c.agent() + "-t" + n;
        send(
            c,
            random,
            Kind.CREATE,
            id,
            0,
            "POST",
            "/v1/tasks/" + workspace,
            Map.of("id", id, "title", "created " + n));
      } else if (dice < 55) {
        send(
            c,
            random,
            Kind.UPDATE,
            task,
            0,
            "PATCH",
            "/v1/tasks/" + workspace + "/" + task,
            Map.of("title", c.agent() + " update " + n));
      } else {
        lockCycle(c, random, task, n);
      }
    }
  }

  /** Acquire the task's lock, write under its fence, release. */
  private void lockCycle(Client c, Random random, String task, int n) {
    long waitMs = random.nextBoolean() ? 0 : 1_500;
    CommandRecord acquire =
        send(
            c,
            random,
            Kind.ACQUIRE,
            task,
            0,
            "POST",
            "/v1/locks/" + workspace + "/acquire",
            Map.of(
                "resource",
                "task/" + task,
                "mode",
                "EXCLUSIVE",
                "leaseMs",
                LEASE_MS,
                "waitMs",
                waitMs));
    Answer granted = acquire.firstOutcome();
    if (granted == null || !"GRANTED".equals(granted.effectiveStatus())) {
      return;
    }
    send(
        c,
        random,
        Kind.FENCED_UPDATE,
        task,
        granted.token(),
        "PATCH",
        "/v1/tasks/" + workspace + "/" + task,
        Map.of("title", c.agent() + " fenced " + n, "fenceToken", granted.token()));
    send(
        c,
        random,
        Kind.RELEASE,
        task,
        0,
        "POST",
        "/v1/locks/" + workspace + "/release",
        Map.of("resource", "task/" + task));
  }

  /**
   * Sends one command until it has an outcome or patience runs out, recording every attempt; with 1
   * in 10 odds sends it once more after its outcome.
   */
  CommandRecord send(
      Client c,
      Random random,
      Kind kind,
      String task,
      long fence,
      String method,
      String path,
      Map<String, Object> body) {
    String key =
        c.agent()
            + "-"
            + kind.name().toLowerCase(java.util.Locale.ROOT)
            + "-"
            + Long.toHexString(random.nextLong());
    CommandRecord record = new CommandRecord(c.agent(), kind, workspace, task, key, fence);
    history.add(record);
    String json;
    try {
      json = Json.mapper().writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    long giveUpAt = System.nanoTime() + patience.toNanos();
    while (true) {
      Answer a = attempt(c, method, path, key, json, false);
      record.add(a);
      if (a.isOutcome()) {
        break;
      }
      if (System.nanoTime() > giveUpAt) {
        record.giveUp();
        return record;
      }
      pause(200 + random.nextInt(300));
    }
    if (record.acknowledged() != null) {
      acknowledged.incrementAndGet();
      lastAcknowledgedAt.set(System.currentTimeMillis());
    }
    if (random.nextInt(10) == 0) {
      Answer probe = attempt(c, method, path, key, json, true);
      if (probe.isOutcome()) {
        record.add(probe);
      }
    }
    return record;
  }

  private Answer attempt(
      Client c, String method, String path, String key, String json, boolean probe) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(ATTEMPT_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("X-Baton-Agent", c.agent())
            .header("Idempotency-Key", key)
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    if (c.token() != null) {
      b.header("Authorization", "Bearer " + c.token());
    }
    long sent = System.currentTimeMillis();
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Answer(sent, System.currentTimeMillis(), -1, null, null, null, null, 0, 0, probe);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(sent, System.currentTimeMillis(), -1, null, null, null, null, 0, 0, probe);
    }
    return parse(sent, r.statusCode(), r.body(), probe);
  }

  /** An answer from an HTTP status and body; 5xx and 429 are no outcome. */
  static Answer parse(long sent, int status, String body, boolean probe) {
    long now = System.currentTimeMillis();
    if (status >= 500 || status == 429) {
      return new Answer(sent, now, status, null, null, null, null, 0, 0, probe);
    }
    JsonNode n;
    try {
      n = Json.mapper().readTree(body);
    } catch (IOException e) {
      return new Answer(sent, now, status, "UNREADABLE", null, null, null, 0, 0, probe);
    }
    String outcome = text(n, "status");
    if (outcome == null) {
      outcome = n.has("error") ? "REJECTED" : "UNREADABLE";
    }
    String code = text(n, "code");
    if (code == null) {
      code = text(n, "error");
    }
    return new Answer(
        sent,
        now,
        status,
        outcome,
        text(n, "originalStatus"),
        code,
        text(n, "commandId"),
        n.path("version").asLong(0),
        n.path("token").asLong(0),
        probe);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
