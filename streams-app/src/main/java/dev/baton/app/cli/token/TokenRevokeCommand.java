package dev.baton.app.cli.token;

import dev.baton.app.auth.TokenWriter;
import dev.baton.app.cli.BatonCli;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton token revoke ID}: every node refuses the token within seconds. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description =
        "Revoke a token by id (as 'token list' shows it); every node refuses it soon after.")
final class TokenRevokeCommand implements Callable<Integer> {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

  @Spec CommandSpec spec;

  @Mixin TokenTarget target;

  @Parameters(paramLabel = "ID", description = "The token's id.")
  String id;

  @Override
  public Integer call() {
    if (!ID.matcher(id).matches()) {
      throw new ParameterException(
          spec.commandLine(), "a token id is 16 hex characters (see 'baton token list')");
    }
    if (target.direct()) {
      try (TokenWriter writer = target.writer()) {
        writer.revoke(id);
      }
    } else {
      TokenTarget.body(target.http().delete("/v1/tokens/" + id));
    }
    spec.commandLine().getOut().println("revoked " + id);
    spec.commandLine().getOut().flush();
    return BatonCli.OK;
  }
}
