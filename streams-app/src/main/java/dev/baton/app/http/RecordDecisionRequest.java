package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.sdk.NewDecision;
import dev.baton.sdk.protocol.Names;

/**
 * Body of {@code POST /v1/decisions/{workspace}}: an ADR-style decision. {@code title} and {@code
 * decision} are required; {@code supersedes} names an earlier decision number of the workspace;
 * {@code task} links a task by id. Lengths are checked by the protocol (a 400 names the field).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordDecisionRequest(
    String title,
    String context,
    String decision,
    String alternatives,
    String consequences,
    Integer supersedes,
    String task) {

  /** This request, checked: a 400 names the first bad field. */
  RecordDecisionRequest checked() {
    if (title == null || title.isBlank()) {
      throw ApiError.invalid("field 'title' is required");
    }
    if (decision == null || decision.isBlank()) {
      throw ApiError.invalid("field 'decision' is required: what was decided");
    }
    if (supersedes != null && supersedes < 1) {
      throw ApiError.invalid(
          "field 'supersedes' must be a decision number >= 1, got " + supersedes);
    }
    if (task != null) {
      Names.checkId("task", task);
    }
    return this;
  }

  NewDecision toNewDecision() {
    return new NewDecision(title, context, decision, alternatives, consequences, supersedes, task);
  }
}
