package dev.baton.sdk.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh ids: UUIDs for commands, short readable ids for tasks. */
final class CommandIds {
  private CommandIds() {}

  static String next() {
    return UUID.randomUUID().toString();
  }

  static String taskId() {
    return String.format("t-%010x", ThreadLocalRandom.current().nextLong(1L << 40));
  }
}
