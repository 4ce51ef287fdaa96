package dev.baton.app.agent;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapperSupplier;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * MCP clients of the official Java SDK, over streamable HTTP and over stdio ({@code baton mcp}).
 */
public final class McpClients {
  private McpClients() {}

  public static McpSyncClient http(
      String base, String agent, Consumer<McpSchema.ProgressNotification> progress) {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(base)
            .endpoint("/mcp")
            .requestBuilder(
                agent.isEmpty()
                    ? HttpRequest.newBuilder()
                    : HttpRequest.newBuilder().header("X-Baton-Agent", agent))
            .build();
    return start(McpClient.sync(transport), progress);
  }

  /** {@code baton mcp --server base} as a child process, its agent from BATON_AGENT. */
  static McpSyncClient stdio(
      String base, String agent, Consumer<McpSchema.ProgressNotification> progress) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ServerParameters params =
        ServerParameters.builder(java)
            .args(
                List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.baton.app.Main",
                    "mcp",
                    "--server",
                    base))
            .addEnvVar("BATON_AGENT", agent)
            .build();
    StdioClientTransport transport =
        new StdioClientTransport(params, new JacksonMcpJsonMapperSupplier().get());
    return start(McpClient.sync(transport), progress);
  }

  private static McpSyncClient start(
      McpClient.SyncSpec spec, Consumer<McpSchema.ProgressNotification> progress) {
    McpSyncClient client =
        spec.requestTimeout(Duration.ofSeconds(90))
            .initializationTimeout(Duration.ofSeconds(60))
            .progressConsumer(progress)
            .build();
    client.initialize();
    return client;
  }
}
