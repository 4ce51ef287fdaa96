package dev.baton.sdk.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The fields of a task as the wire names them: the one list that {@code task.create}, a {@code
 * task.update} patch, the HTTP {@code PATCH} body, the CLI's {@code --set} and the agent tools'
 * {@code set} share. {@link #STATUS} and {@link #ASSIGNEE} change only through {@code
 * task.transition} and {@code task.claim}; every other field can be patched.
 */
public enum TaskField {
  TITLE("title", true),
  DESCRIPTION("description", true),
  PRIORITY("priority", true),
  LABELS("labels", true),
  DEPENDS_ON("dependsOn", true),
  FIELDS("fields", true),
  STATUS("status", false),
  ASSIGNEE("assignee", false);

  /** The wire names a patch may carry, in the order above. */
  public static final List<String> PATCHABLE =
      Arrays.stream(values()).filter(TaskField::patchable).map(TaskField::wire).toList();

  private final String wire;
  private final boolean patchable;

  TaskField(String wire, boolean patchable) {
    this.wire = wire;
    this.patchable = patchable;
  }

  /** The field's name in JSON. */
  public String wire() {
    return wire;
  }

  /** Whether a {@code task.update} patch may change it. */
  public boolean patchable() {
    return patchable;
  }

  /** The field named {@code wire}, or empty when a task has no such field. */
  public static Optional<TaskField> fromWire(String wire) {
    return Arrays.stream(values()).filter(f -> f.wire.equals(wire)).findFirst();
  }
}
