package dev.baton.app.cli.task;

import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.http.ClaimTaskRequest;
import dev.baton.sdk.protocol.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code baton task claim ID}. */
@Command(
    name = "claim",
    mixinStandardHelpOptions = true,
    description = "Claim a task for --agent; prints the task (status CLAIMED).")
final class TaskClaimCommand extends TaskVerb {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Mixin WriteGuardOptions guards;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    ClaimTaskRequest request = ClaimTaskRequest.of(guards.guards(client));
    return http.post(taskPath(id) + "/claim", Json.mapper().valueToTree(request));
  }
}
