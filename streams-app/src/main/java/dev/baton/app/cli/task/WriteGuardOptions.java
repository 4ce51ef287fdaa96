package dev.baton.app.cli.task;

import dev.baton.app.cli.client.ClientOptions;
import dev.baton.app.http.TaskWriteGuards;
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

  /** The guards as the request body carries them; a usage error for {@code --release} alone. */
  TaskWriteGuards guards(ClientOptions client) {
    if (release && fenceToken == null) {
      throw client.usage("--release needs --fence TOKEN (the token of the task's lock you hold)");
    }
    if (fenceToken != null && fenceToken < 1) {
      throw client.usage("--fence must be a lock token (1 or more), got " + fenceToken);
    }
    return TaskWriteGuards.of(expectedVersion, fenceToken, release);
  }
}
