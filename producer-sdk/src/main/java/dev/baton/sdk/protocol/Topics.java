package dev.baton.sdk.protocol;

/**
 * The topic names of the log; the one place they are spelled. A deployment (or a test) may put its
 * topics under a prefix, {@code <prefix>baton.commands} and so on; the default is no prefix.
 */
public record Topics(String commands, String outcomes, String events) {
  public static final String COMMANDS = "baton.commands";
  public static final String OUTCOMES = "baton.outcomes";
  public static final String EVENTS = "baton.events";

  /** The standard names. */
  public static final Topics DEFAULT = withPrefix("");

  public static Topics withPrefix(String prefix) {
    if (!prefix.isEmpty()) {
      Names.checkId("topic prefix", prefix);
    }
    return new Topics(prefix + COMMANDS, prefix + OUTCOMES, prefix + EVENTS);
  }
}
