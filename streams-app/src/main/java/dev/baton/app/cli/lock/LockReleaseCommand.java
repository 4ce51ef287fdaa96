package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code baton lock release RESOURCE}. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = {
      "Release a lock --agent holds; the next waiters are granted at once.",
      "Only the holder may release (NOT_HOLDER otherwise)."
    })
final class LockReleaseCommand extends LockVerb {
  @Parameters(index = "0", paramLabel = "RESOURCE", description = "The locked resource.")
  String resource;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    return http.post(lockPath("release"), resourceBody(checkedResource(resource)));
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    print(body, LockFormat.released(body), out);
  }
}
