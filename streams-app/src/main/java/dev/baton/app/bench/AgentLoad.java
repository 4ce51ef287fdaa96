package dev.baton.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code e2e} load: every agent runs {@code window} sessions, each on a task of its own, and
 * each session cycles through <em>acquire the task's lock, update the task twice (fenced), release
 * the lock</em>, one command at a time, the next sent when the outcome of the previous arrived.
 * Half the commands are lock commands, half task updates.
 *
 * <p>Unpaced, a session sends its next command at once (peak throughput). Paced at a total rate, a
 * session sends on a schedule and the latency of a command counts from when it was due, not from
 * when it was sent, so a system that falls behind cannot hide it (no coordinated omission).
 */
final class AgentLoad implements AutoCloseable {
  static final Duration LEASE = Duration.ofSeconds(60);
  private static final int STAGES = 4;

  private final List<Session> sessions = new ArrayList<>();
  private final ExecutorService continuations;
  private final ScheduledExecutorService pacer;
  private final LongAdder completed = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private volatile Recording recording;
  private volatile long pacedInterval;
  private volatile long paceEpoch;
  private volatile boolean stopping;

  /** Where latencies go while measuring. */
  record Recording(Latency all, Latency lock, Latency update) {
    static Recording fresh() {
      return new Recording(new Latency(), new Latency(), new Latency());
    }
  }

  private final class Session {
    final BatonClient client;
    final String taskId;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int stage;
    LockGrant grant;
    long counter;
    long epoch = -1;
    long nextDue;

    Session(BatonClient client, String taskId) {
      this.client = client;
      this.taskId = taskId;
    }
  }

  AgentLoad(List<BatonClient> clients, List<List<String>> taskIds) {
    for (int i = 0; i < clients.size(); i++) {
      for (String taskId : taskIds.get(i)) {
        sessions.add(new Session(clients.get(i), taskId));
      }
    }
    AtomicInteger n = new AtomicInteger();
    this.continuations =
        Executors.newFixedThreadPool(
            2, r -> daemon(r, "bench-e2e-continuation-" + n.incrementAndGet()));
    this.pacer =
        Executors.newScheduledThreadPool(
            2, r -> daemon(r, "bench-e2e-pacer-" + n.incrementAndGet()));
  }

  int sessions() {
    return sessions.size();
  }

  /** Starts every session, unpaced. */
  void start() {
    sessions.forEach(this::next);
  }

  /** From now on the sessions together send {@code perSecond} commands per second. */
  void pace(double perSecond) {
    pacedInterval = (long) (sessions.size() * 1e9 / perSecond);
    paceEpoch = System.nanoTime();
  }

  /** Starts recording latencies into a fresh recording and returns it. */
  Recording record() {
    Recording r = Recording.fresh();
    recording = r;
    return r;
  }

  long completed() {
    return completed.sum();
  }

  long errors() {
    return errors.sum();
  }

  private void next(Session s) {
    if (stopping) {
      s.done.complete(null);
      return;
    }
    long interval = pacedInterval;
    if (interval == 0) {
      fire(s, System.nanoTime());
      return;
    }
    long epoch = paceEpoch;
    if (s.epoch != epoch) {
      s.epoch = epoch;
      s.nextDue = epoch + ThreadLocalRandom.current().nextLong(interval);
    }
    long due = s.nextDue;
    s.nextDue += interval;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      pacer.schedule(() -> fire(s, due), wait, TimeUnit.NANOSECONDS);
    } else {
      fire(s, due);
    }
  }

  private void fire(Session s, long dueNanos) {
    int stage = s.stage;
    CompletableFuture<?> command;
    try {
      command = send(s, stage);
    } catch (RuntimeException e) {
      command = CompletableFuture.failedFuture(e);
    }
    command.whenCompleteAsync(
        (r, e) -> {
          long took = System.nanoTime() - dueNanos;
          Recording rec = recording;
          if (e == null) {
            completed.increment();
            if (rec != null) {
              rec.all().recordNanos(took);
              (stage == 0 || stage == STAGES - 1 ? rec.lock() : rec.update()).recordNanos(took);
            }
            s.stage = (stage + 1) % STAGES;
          } else {
            errors.increment();
            // A failed update still releases; a failed acquire or release starts over.
            s.stage = stage == 1 || stage == 2 ? STAGES - 1 : 0;
          }
          next(s);
        },
        continuations);
  }

  private CompletableFuture<?> send(Session s, int stage) {
    String resource = "task/" + s.taskId;
    return switch (stage) {
      case 0 ->
          s.client
              .locks()
              .acquire(resource, LockMode.EXCLUSIVE, LEASE, Duration.ZERO)
              .thenAccept(g -> s.grant = g);
      case 1, 2 -> {
        ObjectNode patch = Json.mapper().createObjectNode();
        patch.putObject("fields").put("n", ++s.counter);
        yield s.client
            .tasks()
            .update(s.taskId, patch, WriteOptions.NONE.withFence(s.grant.fence()));
      }
      default -> s.client.locks().release(resource);
    };
  }

  /** Lets every session finish its command in flight, then stops them. */
  @Override
  public void close() {
    stopping = true;
    try {
      CompletableFuture.allOf(sessions.stream().map(s -> s.done).toArray(CompletableFuture[]::new))
          .get(90, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Commands still in flight fail when their clients close.
    } finally {
      continuations.shutdownNow();
      pacer.shutdownNow();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
