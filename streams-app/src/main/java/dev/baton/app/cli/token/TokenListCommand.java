package dev.baton.app.cli.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.auth.TokenView;
import dev.baton.app.cli.BatonCli;
import dev.baton.sdk.protocol.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton token list}: the tokens in force, without secrets or hashes. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the tokens.")
final class TokenListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin TokenTarget target;

  @Option(names = "--json", description = "Print {\"tokens\": [...]}.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    JsonNode tokens;
    if (target.direct()) {
      Instant now = Instant.now();
      tokens =
          Json.mapper()
              .valueToTree(
                  Map.of(
                      "tokens", target.readAll().stream().map(r -> TokenView.of(r, now)).toList()));
    } else {
      tokens = TokenTarget.body(target.http().get("/v1/tokens"));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tokens));
    } else {
      for (JsonNode t : tokens.path("tokens")) {
        out.printf(
            "%s  %-20s %-6s %s  expires %s%s%n",
            t.path("id").asText(),
            t.path("agent").asText(),
            t.path("role").asText(),
            t.path("workspaces"),
            t.path("expires").isMissingNode() ? "never" : t.path("expires").asText(),
            t.path("expired").asBoolean() ? " (expired)" : "");
      }
    }
    out.flush();
    return BatonCli.OK;
  }
}
