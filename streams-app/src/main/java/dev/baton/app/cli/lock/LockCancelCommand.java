package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code baton lock cancel RESOURCE}. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Take --agent's waiting request for a lock out of the queue; the waiting acquire ends with"
          + " CANCELLED.",
      "NOT_FOUND (exit 1) when --agent has no waiting request."
    })
final class LockCancelCommand extends LockVerb {
  @Parameters(index = "0", paramLabel = "RESOURCE", description = "The resource waited for.")
  String resource;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    return http.post(lockPath("cancel"), resourceBody(checkedResource(resource)));
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    print(body, LockFormat.cancelled(body), out);
  }
}
