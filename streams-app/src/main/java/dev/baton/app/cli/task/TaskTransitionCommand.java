package dev.baton.app.cli.task;

import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.http.TransitionTaskRequest;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton task transition ID --to STATUS}. */
@Command(
    name = "transition",
    mixinStandardHelpOptions = true,
    description = {
      "Move a task to another status; prints the task.",
      "A move the life cycle does not allow is rejected with INVALID_TRANSITION (exit 1)."
    })
final class TaskTransitionCommand extends TaskVerb {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "STATUS",
      converter = StatusConverter.class,
      description =
          "Target status: OPEN, CLAIMED, IN_PROGRESS, BLOCKED, REVIEW, DONE, FAILED, CANCELLED.")
  TaskStatus to;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why; kept with the change.")
  String reason;

  @Mixin WriteGuardOptions guards;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    TransitionTaskRequest request = TransitionTaskRequest.of(to, reason, guards.guards(client));
    return http.post(taskPath(id) + "/transition", Json.mapper().valueToTree(request));
  }
}
