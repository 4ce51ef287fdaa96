package dev.baton.app.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.BatonCli;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.cli.client.ClientFailure;
import dev.baton.app.cli.client.ClientOptions;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton events watch [--after C] [--type T]... [--task ID] [--resource R] [--by A]
 * [--json]}: long-polls {@code GET /v1/events/{workspace}} and prints each event as it comes, one
 * JSON object per line with {@code --json}, else one readable line. It runs until interrupted
 * (Ctrl-C), then prints the cursor to resume from on stderr ({@code resume with --after C}); with
 * {@code --count N} it stops after N events, printing the same line. A cursor retention removed
 * (410 {@code CURSOR_EXPIRED}) ends it with exit 1 and the oldest cursor.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Print the events of the workspace as they are committed, until Ctrl-C.",
      "On exit it prints the cursor to resume from (stderr): resume with --after C."
    })
final class EventsWatchCommand implements Callable<Integer> {
  /** How long one long poll waits on the server (its limit is 50 s). */
  static final int WAIT_MS = 25_000;

  @Mixin ClientOptions client;

  @Spec CommandSpec spec;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description =
          "Start after this cursor ('beginning' for the oldest retained event);"
              + " default: from now.")
  String after;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Only events of this type (repeatable), e.g. lock.granted.")
  List<String> types = new ArrayList<>();

  @Option(names = "--task", paramLabel = "ID", description = "Only events of this task.")
  String task;

  @Option(
      names = "--resource",
      paramLabel = "R",
      description = "Only events of the lock on this resource.")
  String resource;

  @Option(names = "--by", paramLabel = "ID", description = "Only events caused by this agent.")
  String by;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop after N events (default: run until interrupted).")
  Integer count;

  private volatile String cursor;
  private final AtomicBoolean printed = new AtomicBoolean();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (count != null && count < 1) {
      throw client.usage("--count must be >= 1, got " + count);
    }
    BatonHttpClient http = client.http(null);
    String base = "/v1/events/" + client.workspace() + "?" + filters() + "waitMs=" + WAIT_MS;
    cursor = after;
    Thread onInterrupt = new Thread(() -> printResume(err), "baton-events-resume");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    int seen = 0;
    try {
      while (count == null || seen < count) {
        String query =
            cursor == null
                ? base
                : base + "&after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        if (count != null) {
          query += "&limit=" + Math.min(1000, count - seen);
        }
        ApiResponse response = http.get(query);
        if (!response.ok()) {
          printFailure(response, out, err);
          return BatonCli.FAILED;
        }
        for (JsonNode event : response.body().path("events")) {
          out.println(client.json() ? event.toString() : EventLine.of(event));
          seen++;
        }
        out.flush();
        cursor = response.body().path("next").asText();
      }
      return BatonCli.OK;
    } catch (ClientFailure e) {
      err.println("error: " + e.getMessage());
      return BatonCli.FAILED;
    } finally {
      printResume(err);
      removeHook(onInterrupt);
    }
  }

  private String filters() {
    StringBuilder q = new StringBuilder();
    if (!types.isEmpty()) {
      q.append("types=").append(encode(String.join(",", types))).append('&');
    }
    append(q, "task", task);
    append(q, "resource", resource);
    append(q, "agent", by);
    return q.toString();
  }

  private static void append(StringBuilder q, String name, String value) {
    if (value != null) {
      q.append(name).append('=').append(encode(value)).append('&');
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private void printResume(PrintWriter err) {
    String at = cursor;
    if (at != null && printed.compareAndSet(false, true)) {
      err.println("resume with --after " + at);
      err.flush();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down (Ctrl-C): the hook prints the cursor
    }
  }

  private void printFailure(ApiResponse response, PrintWriter out, PrintWriter err) {
    if (client.json()) {
      out.println(response.body());
    } else {
      err.println(
          "error: "
              + response.error()
              + ": "
              + response.message()
              + " (HTTP "
              + response.status()
              + ")");
    }
    String oldest = response.body().path("oldest").asText(null);
    if (oldest != null) {
      err.println("oldest available cursor: " + oldest);
    }
  }
}
