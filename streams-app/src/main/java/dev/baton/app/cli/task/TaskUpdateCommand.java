package dev.baton.app.cli.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.http.TaskWriteGuards;
import dev.baton.app.http.UpdateTaskRequest;
import dev.baton.sdk.protocol.Json;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton task update ID [--expected-version N] --set FIELD=VALUE...}. */
@Command(
    name = "update",
    mixinStandardHelpOptions = true,
    description = {
      "Change fields of a task; prints the task after the change.",
      "VALUE is read as JSON when it is valid JSON (3, true, null, [\"a\"], \"text\"), else as a"
          + " string. fields.NAME=VALUE sets one key of the free-form fields (null removes it).",
      "With --expected-version a stale write is rejected with VERSION_CONFLICT (exit 1) unless"
          + " none of the fields it touches changed since."
    })
final class TaskUpdateCommand extends TaskVerb {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Mixin WriteGuardOptions guards;

  @Option(
      names = "--set",
      required = true,
      paramLabel = "FIELD=VALUE",
      description =
          "A field to set: title, description, priority, labels, dependsOn, fields.NAME;"
              + " repeatable.")
  List<String> assignments;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    TaskWriteGuards checked = guards.guards(client);
    ObjectNode patch;
    try {
      patch = PatchAssignments.patch(assignments);
    } catch (IllegalArgumentException e) {
      throw client.usage(e.getMessage());
    }
    UpdateTaskRequest request = new UpdateTaskRequest(checked, patch);
    return http.patch(taskPath(id), Json.mapper().valueToTree(request));
  }
}
