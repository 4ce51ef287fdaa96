package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.http.RenewLockRequest;
import dev.baton.sdk.protocol.Json;
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
    String checked = checkedResource(resource);
    if (lease != null && lease.isZero()) {
      throw client.usage("--lease must be longer than 0");
    }
    RenewLockRequest request =
        new RenewLockRequest(checked, lease == null ? null : lease.toMillis());
    return http.post(lockPath("renew"), Json.mapper().valueToTree(request));
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    print(body, LockFormat.renewed(body), out);
  }
}
