package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code baton lock status RESOURCE}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a lock: its holders with their tokens and lease deadlines, and the queue in order.",
      "NOT_FOUND (exit 1) when no request ever named the resource."
    })
final class LockStatusCommand extends LockVerb {
  @Parameters(index = "0", paramLabel = "RESOURCE", description = "The resource.")
  String resource;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    return http.get(statusPath(checkedResource(resource)));
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    print(body, LockFormat.detail(body), out);
  }
}
