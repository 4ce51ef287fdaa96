package dev.baton.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonRejectedException;
import dev.baton.sdk.LockGrant;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The lock contention experiment: {@code agents} agents, each with its own client, repeatedly lock
 * one of a few hot tasks, read its counter, write the counter plus one, and release.
 *
 * <ul>
 *   <li>{@code EXCLUSIVE}: the write is blind (no expected version) but fenced with the grant's
 *       token, so only mutual exclusion keeps increments from being lost.
 *   <li>{@code COLLABORATIVE}: everyone holds the lock at once; the write carries the version it
 *       read, a stale one is rejected ({@code VERSION_CONFLICT}) and retried on the state the
 *       rejection carries.
 * </ul>
 *
 * With {@link Spec#releaseWithWrite()} the final, successful write of each cycle also releases the
 * lock ({@link WriteOptions#withRelease()}), one command where otherwise a {@code lock.release}
 * follows the write's outcome; a write rejected with {@code VERSION_CONFLICT} keeps the lock and is
 * retried, still releasing.
 *
 * <p>The caller checks the result: every acquisition granted, the counters' sum equal to the
 * increments made, and the event history clean.
 */
public final class ContentionWorkload {
  /**
   * What to run.
   *
   * @param releaseWithWrite release the lock with the cycle's last write instead of with a separate
   *     {@code lock.release} after it
   */
  public record Spec(
      int agents,
      LockMode mode,
      List<String> taskIds,
      int opsPerAgent,
      Duration lease,
      Duration maxWait,
      boolean releaseWithWrite) {}

  /** What happened. */
  public record Result(
      long acquisitions,
      long granted,
      long increments,
      long conflicts,
      long counterSum,
      double seconds) {
    public double successRate() {
      return acquisitions == 0 ? 1.0 : (double) granted / acquisitions;
    }

    public long lostUpdates() {
      return increments - counterSum;
    }

    public double opsPerSecond() {
      return seconds == 0 ? 0 : increments / seconds;
    }
  }

  private ContentionWorkload() {}

  /** The counter field every increment writes. */
  public static final String COUNTER = "counter";

  /**
   * Runs the workload. {@code clients} makes one client per agent name; {@code read} reads a task
   * by id (from the HTTP API or a store).
   */
  public static Result run(
      Spec spec, Function<String, BatonClient> clients, Function<String, Task> read)
      throws InterruptedException {
    List<BatonClient> agents = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(spec.agents());
    AtomicLong acquisitions = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    AtomicLong increments = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    try {
      List<CompletableFuture<BatonClient>> starting = new ArrayList<>();
      for (int i = 0; i < spec.agents(); i++) {
        String name = "agent-" + i;
        starting.add(CompletableFuture.supplyAsync(() -> clients.apply(name), pool));
      }
      for (CompletableFuture<BatonClient> f : starting) {
        agents.add(f.join());
      }
      long start = System.nanoTime();
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int i = 0; i < agents.size(); i++) {
        BatonClient agent = agents.get(i);
        int index = i;
        running.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int k = 0; k < spec.opsPerAgent(); k++) {
                    String taskId = spec.taskIds().get((index + k) % spec.taskIds().size());
                    acquisitions.incrementAndGet();
                    LockGrant grant =
                        join(
                            agent
                                .locks()
                                .acquire(
                                    "task/" + taskId, spec.mode(), spec.lease(), spec.maxWait()));
                    granted.incrementAndGet();
                    conflicts.addAndGet(increment(agent, taskId, grant, spec, read));
                    increments.incrementAndGet();
                    if (!spec.releaseWithWrite()) {
                      join(agent.locks().release("task/" + taskId));
                    }
                  }
                },
                pool));
      }
      for (CompletableFuture<Void> f : running) {
        f.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long sum = 0;
      for (String taskId : spec.taskIds()) {
        sum += counterOf(read.apply(taskId));
      }
      return new Result(
          acquisitions.get(), granted.get(), increments.get(), conflicts.get(), sum, seconds);
    } finally {
      agents.forEach(BatonClient::close);
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** One read-modify-write under the lock; returns how many version conflicts it retried. */
  private static long increment(
      BatonClient agent, String taskId, LockGrant grant, Spec spec, Function<String, Task> read) {
    LockMode mode = spec.mode();
    Task current = read.apply(taskId);
    long value = counterOf(current);
    long version = current.version();
    long retries = 0;
    while (true) {
      ObjectNode patch = Json.mapper().createObjectNode();
      patch.putObject("fields").put(COUNTER, value + 1);
      WriteOptions fenced =
          mode == LockMode.EXCLUSIVE
              ? WriteOptions.NONE.withFence(grant.fence())
              : WriteOptions.expecting(version).withFence(grant.fence());
      // A rejected write releases nothing, so every retry may ask again.
      WriteOptions options = spec.releaseWithWrite() ? fenced.withRelease() : fenced;
      try {
        join(agent.tasks().update(taskId, patch, options));
        return retries;
      } catch (BatonRejectedException e) {
        if (e.code() != OutcomeCode.VERSION_CONFLICT || mode == LockMode.EXCLUSIVE) {
          throw e;
        }
        retries++;
        JsonNode state = e.currentState();
        value = state.path("fields").path(COUNTER).asLong();
        version = state.path("version").asLong();
      }
    }
  }

  private static long counterOf(Task task) {
    return task.fields() == null ? 0 : task.fields().path(COUNTER).asLong();
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
