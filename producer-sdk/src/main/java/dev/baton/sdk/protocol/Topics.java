package dev.baton.sdk.protocol;

/** The topic names of the log; the one place they are spelled. */
public final class Topics {
  public static final String COMMANDS = "baton.commands";
  public static final String OUTCOMES = "baton.outcomes";
  public static final String EVENTS = "baton.events";

  private Topics() {}
}
