package dev.baton.app.cli.task;

import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.http.CreateTaskRequest;
import dev.baton.sdk.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton task create --title T ...}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Create a task; prints it (version 1).")
final class TaskCreateCommand extends TaskVerb {
  @Option(names = "--title", required = true, paramLabel = "TEXT", description = "Title.")
  String title;

  @Option(names = "--description", paramLabel = "TEXT", description = "Description.")
  String description;

  @Option(names = "--priority", paramLabel = "N", description = "Priority (an integer).")
  Integer priority;

  @Option(names = "--label", paramLabel = "LABEL", description = "A label; repeatable.")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--depends-on",
      paramLabel = "ID",
      description = "A task this one depends on; repeatable.")
  List<String> dependsOn = new ArrayList<>();

  @Option(names = "--id", paramLabel = "ID", description = "Task id (default: one is chosen).")
  String id;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    CreateTaskRequest request =
        new CreateTaskRequest(
            id == null ? null : client.checkedId("--id", id),
            title,
            description,
            priority,
            labels.isEmpty() ? null : labels,
            dependsOn.isEmpty() ? null : dependsOn,
            null);
    return http.post("/v1/tasks/" + client.workspace(), Json.mapper().valueToTree(request));
  }
}
