package dev.baton.app.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ClientCommand;
import java.io.PrintWriter;

/** A task verb: prints a task on success (the outcome's state for commands). */
abstract class TaskVerb extends ClientCommand {
  /** {@code /v1/tasks/<workspace>/<id>}; both are checked ids, safe in a path. */
  protected String taskPath(String id) {
    return "/v1/tasks/" + client.workspace() + "/" + client.checkedId("ID", id);
  }

  /** The task in a successful answer: a command's outcome carries it as {@code state}. */
  protected JsonNode task(JsonNode body) {
    return body.has("commandId") && body.path("state").isObject() ? body.get("state") : body;
  }

  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    JsonNode task = task(body);
    out.println(client.json() ? json(task) : TaskFormat.detail(task));
  }

  @Override
  protected void printState(JsonNode state, PrintWriter to) {
    to.println(TaskFormat.detail(state));
  }
}
