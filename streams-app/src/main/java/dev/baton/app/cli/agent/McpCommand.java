package dev.baton.app.cli.agent;

import dev.baton.app.agent.bridge.StdioHttpBridge;
import dev.baton.app.cli.client.ClientOptions;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code baton mcp}: Baton's MCP server on stdio, for clients that launch a process. */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve MCP on stdin/stdout for clients that launch a process (Claude Code, OpenCode,"
          + " Codex, any MCP client), relaying to the node's /mcp endpoint.",
      "The agent is --agent or BATON_AGENT, or the token's (--token or BATON_TOKEN); the model"
          + " never names itself."
    })
public final class McpCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    // stdout carries the protocol alone: nothing else may print there.
    PrintStream protocol = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    URI endpoint = URI.create(client.server() + "/mcp");
    return new StdioHttpBridge(
            endpoint,
            client.agentHeader(),
            client.token(),
            client.workspace(),
            protocol,
            System.err)
        .run(System.in);
  }
}
