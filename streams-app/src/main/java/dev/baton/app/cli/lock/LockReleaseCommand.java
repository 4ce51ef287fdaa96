package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.http.ForceReleaseRequest;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton lock release RESOURCE [--force [--holder AGENT] [--reason TEXT]]}. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = {
      "Release a lock --agent holds; the next waiters are granted at once.",
      "Only the holder may release (NOT_HOLDER otherwise).",
      "With --force (admin token only), end another agent's grant instead: the one of --holder,"
          + " or every holder; the next waiters get newer fencing tokens and the audit records"
          + " who forced it."
    })
final class LockReleaseCommand extends LockVerb {
  @Parameters(index = "0", paramLabel = "RESOURCE", description = "The locked resource.")
  String resource;

  @Option(
      names = "--force",
      description = "Release another agent's grant (admin only; 403 FORBIDDEN otherwise).")
  boolean force;

  @Option(
      names = "--holder",
      paramLabel = "AGENT",
      description = "With --force: the agent whose grant ends (default: every holder).")
  String holder;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "With --force: why, recorded in the event and the audit.")
  String reason;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    String checked = checkedResource(resource);
    if (!force) {
      if (holder != null || reason != null) {
        throw client.usage("--holder and --reason go with --force");
      }
      return http.post(lockPath("release"), resourceBody(checked));
    }
    if (holder != null) {
      try {
        Names.checkId("--holder", holder);
      } catch (InvalidCommandException e) {
        throw client.usage(e.getMessage());
      }
    }
    return http.post(
        lockPath("force-release"),
        Json.mapper().valueToTree(new ForceReleaseRequest(checked, holder, reason)));
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    print(body, force ? LockFormat.forceReleased(body) : LockFormat.released(body), out);
  }
}
