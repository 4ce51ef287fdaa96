package dev.baton.app.cli.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.cli.client.ClientOptions;
import picocli.CommandLine.Option;

/** {@code --expected-version}, {@code --fence} and {@code --release} of the task write verbs. */
final class WriteGuardOptions {
  @Option(
      names = "--expected-version",
      paramLabel = "N",
      description = "The version this write is based on (VERSION_CONFLICT when stale).")
  Long expectedVersion;

  @Option(
      names = "--fence",
      paramLabel = "TOKEN",
      description =
          "The token of the task's lock (task/ID) you hold, from `baton lock acquire task/ID`:"
              + " the write is FENCED unless that grant is still yours.")
  Long fenceToken;

  @Option(
      names = "--release",
      description = "Release that lock with the write, once it is accepted (needs --fence).")
  boolean release;

  /** Adds the guards to a request body; a usage error for {@code --release} alone. */
  void addTo(ObjectNode body, ClientOptions client) {
    if (release && fenceToken == null) {
      throw client.usage("--release needs --fence TOKEN (the token of the task's lock you hold)");
    }
    if (expectedVersion != null) {
      body.put("expectedVersion", expectedVersion);
    }
    if (fenceToken != null) {
      body.put("fenceToken", fenceToken);
    }
    if (release) {
      body.put("release", true);
    }
  }
}
