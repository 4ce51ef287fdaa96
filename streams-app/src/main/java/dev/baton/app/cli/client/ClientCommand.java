package dev.baton.app.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.BatonCli;
import dev.baton.sdk.protocol.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the client verbs: one HTTP call, then the answer printed. Success prints to stdout and
 * exits 0. A failure exits 1: in human mode a line {@code rejected: CODE: message} (plus the
 * current state) or {@code error: CODE: message} on stderr; with {@code --json} the error body
 * ({@code error}, {@code message} and, for rejections, {@code code}, {@code version}, {@code
 * state}) on stdout, so scripts read one document either way.
 */
public abstract class ClientCommand implements Callable<Integer> {
  @Mixin protected ClientOptions client;

  @Spec protected CommandSpec spec;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ApiResponse response = send(client.http(client.idempotencyKey()));
      if (response.ok()) {
        printSuccess(response.body(), out);
        return BatonCli.OK;
      }
      printFailure(response, out, err);
      return BatonCli.FAILED;
    } catch (ClientFailure e) {
      err.println("error: " + e.getMessage());
      return BatonCli.FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Sends this verb's request. */
  protected abstract ApiResponse send(BatonHttpClient http);

  /** Prints a successful answer's body. */
  protected abstract void printSuccess(JsonNode body, PrintWriter out);

  /** Prints a failed answer; verbs with a richer state than a task may override. */
  protected void printFailure(ApiResponse response, PrintWriter out, PrintWriter err) {
    if (client.json()) {
      out.println(json(response.body()));
      return;
    }
    if (response.rejected()) {
      err.println("rejected: " + response.error() + ": " + response.message());
      JsonNode state = response.body().get("state");
      if (state != null && state.isObject()) {
        err.println("current state:");
        printState(state, err);
      }
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
  }

  /** Prints the aggregate state carried by a rejection. */
  protected void printState(JsonNode state, PrintWriter to) {
    to.println(json(state));
  }

  /** {@code node} as indented JSON. */
  protected static String json(JsonNode node) {
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }
}
