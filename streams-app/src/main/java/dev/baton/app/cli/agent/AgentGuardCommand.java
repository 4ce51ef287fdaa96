package dev.baton.app.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.BatonCli;
import dev.baton.app.cli.client.ApiResponse;
import dev.baton.app.cli.client.BatonHttpClient;
import dev.baton.app.cli.client.ClientFailure;
import dev.baton.app.cli.client.ClientOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton agent guard}: a git pre-commit check that refuses a commit touching a file another
 * agent holds exclusively ({@code file/<path>}). The backstop for writes an edit hook does not see
 * (a shell command, a script). Install it with {@code --install}.
 */
@Command(
    name = "guard",
    mixinStandardHelpOptions = true,
    description = {
      "Refuse a commit that touches files another agent holds exclusively (a git pre-commit"
          + " check). Exit 1 names the files and holders; a Baton that cannot be reached also"
          + " refuses (git commit --no-verify skips the check).",
      "--install writes .git/hooks/pre-commit to run it."
    })
final class AgentGuardCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "REPO",
      defaultValue = ".",
      description = "Repository (default: the current directory).")
  Path dir;

  @Option(names = "--install", description = "Install as the repository's git pre-commit hook.")
  boolean install;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (install) {
      return install(out, err);
    }
    List<String> staged = git("diff", "--cached", "--name-only", "-z");
    if (staged == null) {
      err.println("baton guard: not a git repository (or git failed) at " + dir);
      return BatonCli.FAILED;
    }
    BatonHttpClient http = client.http(null);
    List<String> refused = new ArrayList<>();
    String self;
    try {
      self = client.actingAgent(http);
      for (String path : staged) {
        String resource = "file/" + path;
        ApiResponse status =
            http.get(
                "/v1/locks/"
                    + client.workspace()
                    + "?resource="
                    + URLEncoder.encode(resource, StandardCharsets.UTF_8));
        if (!status.ok()) {
          continue; // 404: nobody ever locked it
        }
        for (JsonNode holder : status.body().path("holders")) {
          if ("EXCLUSIVE".equals(holder.path("mode").asText())
              && !self.equals(holder.path("agent").asText())) {
            refused.add(
                path
                    + " is held by "
                    + holder.path("agent").asText()
                    + " until "
                    + holder.path("leaseDeadline").asText());
          }
        }
      }
    } catch (ClientFailure e) {
      err.println("baton guard: " + e.getMessage() + "; commit refused (--no-verify skips)");
      return BatonCli.FAILED;
    }
    if (refused.isEmpty()) {
      return BatonCli.OK;
    }
    err.println("baton guard: commit refused, other agents hold these files exclusively:");
    refused.forEach(r -> err.println("  " + r));
    err.println("Unstage them or wait until they are released (you are " + self + ").");
    err.flush();
    return BatonCli.FAILED;
  }

  private int install(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    List<String> hooksDir = git("rev-parse", "--git-path", "hooks");
    if (hooksDir == null || hooksDir.isEmpty()) {
      err.println("baton guard: not a git repository at " + dir);
      return BatonCli.FAILED;
    }
    Path hooks = dir.resolve(hooksDir.get(0).trim());
    String launcher = System.getProperty("baton.launcher", "baton");
    String script =
        "#!/usr/bin/env bash\n"
            + "# Baton guard: refuses a commit touching files another agent holds exclusively.\n"
            + "exec \""
            + launcher
            + "\" agent guard --server \""
            + client.server()
            + "\"\n";
    ConfigFiles files = new ConfigFiles(hooks);
    String existing = files.readText("pre-commit");
    if (existing != null
        && !existing.contains("baton agent guard")
        && !existing.contains("agent guard")) {
      err.println(
          "baton guard: "
              + hooks.resolve("pre-commit")
              + " exists and is not Baton's; add `baton agent guard` to it yourself");
      return BatonCli.FAILED;
    }
    files.ensureFile("pre-commit", script, true);
    files.changes().forEach(c -> out.println("  " + c + " in " + hooks));
    out.flush();
    return BatonCli.OK;
  }

  /** The NUL- or line-separated output of a git command in the repository, or null on failure. */
  private List<String> git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      return null;
    }
    List<String> items = new ArrayList<>();
    for (String item : new String(output, StandardCharsets.UTF_8).split("[\\x00\\n]")) {
      if (!item.isEmpty()) {
        items.add(item);
      }
    }
    return items;
  }
}
