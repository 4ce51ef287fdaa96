package dev.baton.sdk.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.WriteOptions;
import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Sends one command for an agent and workspace (the shape of {@code BatonClient.submit}). */
@FunctionalInterface
interface Sender {
  CompletableFuture<Outcome> submit(
      CommandType type,
      ObjectNode body,
      WriteOptions options,
      Consumer<Outcome> progress,
      Duration extraWait);

  default CompletableFuture<Outcome> submit(
      CommandType type, ObjectNode body, WriteOptions options) {
    return submit(type, body, options, outcome -> {}, Duration.ZERO);
  }
}
