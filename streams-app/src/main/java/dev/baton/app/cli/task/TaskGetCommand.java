package dev.baton.app.cli.task;

import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code baton task get ID}. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show one task.")
final class TaskGetCommand extends TaskVerb {
  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    return http.get(taskPath(id));
  }
}
