package dev.baton.sdk.protocol;

/**
 * The topic names of the log; the one place they are spelled. A deployment (or a test) may put its
 * topics under a prefix, {@code <prefix>baton.commands} and so on; the default is no prefix.
 */
public record Topics(String commands, String outcomes, String events) {
  /** The commands topic's name without prefix. */
  public static final String COMMANDS = "baton.commands";

  /** The outcomes topic's name without prefix. */
  public static final String OUTCOMES = "baton.outcomes";

  /** The events topic's name without prefix. */
  public static final String EVENTS = "baton.events";

  /** The standard names. */
  public static final Topics DEFAULT = withPrefix("");

  /**
   * The names under a prefix.
   *
   * @param prefix prepended to each name; empty for none
   * @return the names
   */
  public static Topics withPrefix(String prefix) {
    if (!prefix.isEmpty()) {
      Names.checkId("topic prefix", prefix);
    }
    return new Topics(prefix + COMMANDS, prefix + OUTCOMES, prefix + EVENTS);
  }
}
