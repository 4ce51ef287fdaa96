package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.cli.client.ClientFailure;
import dev.baton.app.http.AcquireLockRequest;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.LockMode;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton lock acquire RESOURCE --mode exclusive|collaborative [--lease D] [--wait D]}. */
@Command(
    name = "acquire",
    mixinStandardHelpOptions = true,
    description = {
      "Take a lock; prints the grant with its fencing token.",
      "With --wait the request queues behind the holders and earlier requests (its position is"
          + " shown on stderr) and is granted the moment the lock frees; without it, or when the"
          + " wait runs out, the answer is LOCKED or EXPIRED (exit 1).",
      "The lease is not renewed for you: run 'baton lock renew' before it runs out."
    })
final class LockAcquireCommand extends LockVerb {
  /** How long the request to cancel a waiting acquire on Ctrl-C may take. */
  private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(3);

  @Parameters(
      index = "0",
      paramLabel = "RESOURCE",
      description = "What to lock: a path, a branch, task/<id>.")
  String resource;

  @Option(
      names = "--mode",
      required = true,
      paramLabel = "MODE",
      converter = ModeConverter.class,
      description = "exclusive (one holder) or collaborative (shared).")
  LockMode mode;

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Lease of the grant, e.g. 60s or 5m (default: the server's).")
  Duration lease;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "0",
      description = "How long to wait in the queue, e.g. 30s (default: 0, try once).")
  Duration wait;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    String checked = checkedResource(resource);
    if (lease != null && lease.isZero()) {
      throw client.usage("--lease must be longer than 0, got " + lease.toMillis() + " ms");
    }
    JsonNode body =
        Json.mapper()
            .valueToTree(
                new AcquireLockRequest(
                    checked, mode, lease == null ? null : lease.toMillis(), wait.toMillis(), null));
    if (wait.isZero()) {
      return http.post(lockPath("acquire"), body);
    }
    Thread cancelOnExit = new Thread(() -> cancelQuietly(http, checked), "baton-lock-cancel");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try (QueueWatch watch =
        QueueWatch.start(
            http, statusPath(checked), client.actingAgent(http), spec.commandLine().getErr())) {
      return http.post(lockPath("acquire"), body, BatonHttpClient.REQUEST_TIMEOUT.plus(wait));
    } finally {
      removeQuietly(cancelOnExit);
    }
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    boolean queued = "QUEUED".equals(body.path("status").asText());
    print(body, queued ? LockFormat.queued(body) : LockFormat.grant(body), out);
  }

  /**
   * Interrupted (Ctrl-C) while waiting: leave the queue, so that the request is not granted to
   * nobody later. A grant that races with it lapses at its lease.
   */
  private void cancelQuietly(BatonHttpClient http, String checked) {
    try {
      http.post(lockPath("cancel"), resourceBody(checked), CANCEL_TIMEOUT);
    } catch (ClientFailure e) {
      // Exiting anyway; the request leaves the queue when its wait runs out.
    }
  }

  private static void removeQuietly(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs.
    }
  }
}
