package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton lock renew RESOURCE [--lease D]}. */
@Command(
    name = "renew",
    mixinStandardHelpOptions = true,
    description = {
      "Extend the lease of a lock --agent holds, counted from now; prints the new deadline.",
      "Only the holder may renew (NOT_HOLDER otherwise); after the lease ran out it is EXPIRED."
    })
final class LockRenewCommand extends LockVerb {
  @Parameters(index = "0", paramLabel = "RESOURCE", description = "The locked resource.")
  String resource;

  @Option(
      names = "--lease",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "New lease, e.g. 60s (default: the grant's lease).")
  Duration lease;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    ObjectNode body = resourceBody(checkedResource(resource));
    if (lease != null) {
      if (lease.isZero()) {
        throw client.usage("--lease must be longer than 0");
      }
      body.put("leaseMs", lease.toMillis());
    }
    return http.post(lockPath("renew"), body);
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    print(body, LockFormat.renewed(body), out);
  }
}
