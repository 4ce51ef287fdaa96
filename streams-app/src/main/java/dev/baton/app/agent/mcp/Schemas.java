package dev.baton.app.agent.mcp;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Pieces of the tools' JSON schemas. */
final class Schemas {
  private Schemas() {}

  /** {@code ["A","B",...]} of the constants' names. */
  static String enumOf(Enum<?>[] values) {
    return Arrays.stream(values)
        .map(v -> "\"" + v.name() + "\"")
        .collect(Collectors.joining(",", "[", "]"));
  }
}
