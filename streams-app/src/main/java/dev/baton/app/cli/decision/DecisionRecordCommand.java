package dev.baton.app.cli.decision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.cli.client.ClientCommand;
import dev.baton.app.http.RecordDecisionRequest;
import dev.baton.sdk.protocol.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton decision record --title T --decision D [--context C] ...}. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Record a decision; prints its number in the workspace (decision N recorded).",
      "--supersedes must name an earlier decision (NOT_FOUND, exit 1, otherwise)."
    })
final class DecisionRecordCommand extends ClientCommand {
  @Option(names = "--title", required = true, paramLabel = "TEXT", description = "Title.")
  String title;

  @Option(names = "--context", paramLabel = "TEXT", description = "What led to the decision.")
  String context;

  @Option(
      names = "--decision",
      required = true,
      paramLabel = "TEXT",
      description = "What was decided.")
  String decision;

  @Option(names = "--alternatives", paramLabel = "TEXT", description = "Options considered.")
  String alternatives;

  @Option(names = "--consequences", paramLabel = "TEXT", description = "What follows from it.")
  String consequences;

  @Option(names = "--task", paramLabel = "ID", description = "A task the decision belongs to.")
  String task;

  @Option(
      names = "--supersedes",
      paramLabel = "N",
      description = "The number of an earlier decision this one replaces.")
  Integer supersedes;

  @Override
  protected ApiResponse send(BatonHttpClient http) {
    if (supersedes != null && supersedes < 1) {
      throw client.usage("--supersedes must be a decision number >= 1, got " + supersedes);
    }
    RecordDecisionRequest request =
        new RecordDecisionRequest(
            title,
            context,
            decision,
            alternatives,
            consequences,
            supersedes,
            task == null ? null : client.checkedId("--task", task));
    return http.post("/v1/decisions/" + client.workspace(), Json.mapper().valueToTree(request));
  }

  /**
   * {@code decision N recorded}; with {@code --json} the recorded decision (the outcome's state).
   */
  @Override
  protected void printSuccess(JsonNode body, PrintWriter out) {
    JsonNode recorded = body.path("state");
    if (client.json()) {
      out.println(json(recorded.isObject() ? recorded : body));
      return;
    }
    String number = recorded.path("number").asText(body.path("version").asText("?"));
    out.println(
        "decision "
            + number
            + " recorded"
            + (recorded.hasNonNull("supersedes")
                ? " (supersedes " + recorded.path("supersedes").asText() + ")"
                : ""));
  }
}
