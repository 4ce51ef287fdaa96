package dev.baton.sdk;

/**
 * An ADR-style decision to record. {@code title} and {@code decision} are required; {@code
 * supersedes} names an earlier decision number of the workspace; {@code taskId} links a task.
 */
public record NewDecision(
    String title,
    String context,
    String decision,
    String alternatives,
    String consequences,
    Integer supersedes,
    String taskId) {

  /**
   * A decision with its required parts.
   *
   * @param title a short title
   * @param context why a decision was needed; may be null
   * @param decision what was decided
   * @return the decision
   */
  public static NewDecision of(String title, String context, String decision) {
    return new NewDecision(title, context, decision, null, null, null, null);
  }

  /**
   * This decision with the alternatives considered.
   *
   * @param alternatives the options not taken
   * @return this decision with them
   */
  public NewDecision withAlternatives(String alternatives) {
    return new NewDecision(
        title, context, decision, alternatives, consequences, supersedes, taskId);
  }

  /**
   * This decision with its consequences.
   *
   * @param consequences what follows
   * @return this decision with them
   */
  public NewDecision withConsequences(String consequences) {
    return new NewDecision(
        title, context, decision, alternatives, consequences, supersedes, taskId);
  }

  /**
   * This decision replacing an earlier one.
   *
   * @param number an earlier decision of the workspace
   * @return this decision superseding it
   */
  public NewDecision superseding(int number) {
    return new NewDecision(title, context, decision, alternatives, consequences, number, taskId);
  }

  /**
   * This decision linked to a task.
   *
   * @param taskId the task
   * @return this decision linked to it
   */
  public NewDecision forTask(String taskId) {
    return new NewDecision(
        title, context, decision, alternatives, consequences, supersedes, taskId);
  }
}
