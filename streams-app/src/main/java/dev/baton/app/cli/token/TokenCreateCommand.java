package dev.baton.app.cli.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.auth.TokenRequest;
import dev.baton.app.auth.TokenSecrets;
import dev.baton.app.auth.TokenView;
import dev.baton.app.auth.TokenWriter;
import dev.baton.app.cli.BatonCli;
import dev.baton.sdk.protocol.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code baton token create}: mints a token and prints its secret, the only time it is shown. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a token for an agent on one or more workspaces and print it once: keep it in the"
          + " agent's BATON_TOKEN. Only a salted hash is stored."
    })
final class TokenCreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin TokenTarget target;

  @Option(names = "--agent", required = true, paramLabel = "ID", description = "The agent.")
  String agent;

  @Option(
      names = "--workspace",
      required = true,
      paramLabel = "WS",
      description = "A workspace the token may act in (repeatable; * for every workspace).")
  List<String> workspaces = new ArrayList<>();

  @Option(
      names = "--role",
      defaultValue = "agent",
      description = "agent or admin (default: ${DEFAULT-VALUE}).")
  String role;

  @Option(
      names = "--expires",
      paramLabel = "LIFETIME",
      description = "Lifetime, e.g. 30d, 12h, 90m; default: never expires.")
  String expires;

  @Option(names = "--json", description = "Print a JSON object whose 'token' is the secret.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    TokenRequest request = new TokenRequest(agent, workspaces, role, expires);
    JsonNode created;
    if (target.direct()) {
      TokenSecrets.Issued issued;
      try {
        issued = request.mint(Instant.now(), "cli");
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      try (TokenWriter writer = target.writer()) {
        writer.put(issued.record());
      }
      created = Json.mapper().valueToTree(TokenView.issued(issued, Instant.now()));
    } else {
      ObjectNode body = Json.mapper().valueToTree(request);
      created = TokenTarget.body(target.http().post("/v1/tokens", body));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(created));
    } else {
      out.println(created.path("token").asText());
      spec.commandLine()
          .getErr()
          .printf(
              "token %s for agent %s on %s (%s, expires %s): shown once, keep it secret%n",
              created.path("id").asText(),
              created.path("agent").asText(),
              created.path("workspaces"),
              created.path("role").asText(),
              created.path("expires").isMissingNode() ? "never" : created.path("expires").asText());
    }
    out.flush();
    return BatonCli.OK;
  }
}
