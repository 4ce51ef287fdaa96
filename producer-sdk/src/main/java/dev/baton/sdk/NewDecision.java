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

  public static NewDecision of(String title, String context, String decision) {
    return new NewDecision(title, context, decision, null, null, null, null);
  }

  public NewDecision withAlternatives(String alternatives) {
    return new NewDecision(
        title, context, decision, alternatives, consequences, supersedes, taskId);
  }

  public NewDecision withConsequences(String consequences) {
    return new NewDecision(
        title, context, decision, alternatives, consequences, supersedes, taskId);
  }

  public NewDecision superseding(int number) {
    return new NewDecision(title, context, decision, alternatives, consequences, number, taskId);
  }

  public NewDecision forTask(String taskId) {
    return new NewDecision(
        title, context, decision, alternatives, consequences, supersedes, taskId);
  }
}
