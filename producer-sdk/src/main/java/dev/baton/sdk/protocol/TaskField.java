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
  /** {@code title}. */
  TITLE("title", true),
  /** {@code description}. */
  DESCRIPTION("description", true),
  /** {@code priority}. */
  PRIORITY("priority", true),
  /** {@code labels}. */
  LABELS("labels", true),
  /** {@code dependsOn}: ids of tasks this one waits for. */
  DEPENDS_ON("dependsOn", true),
  /** {@code fields}: free-form key/value pairs. */
  FIELDS("fields", true),
  /** {@code status} (through {@code task.transition} only). */
  STATUS("status", false),
  /** {@code assignee} (through {@code task.claim} only). */
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

  /**
   * The field's name in JSON.
   *
   * @return e.g. {@code dependsOn}
   */
  public String wire() {
    return wire;
  }

  /**
   * Whether a {@code task.update} patch may change it.
   *
   * @return true for every field but status and assignee
   */
  public boolean patchable() {
    return patchable;
  }

  /**
   * The field named {@code wire}.
   *
   * @param wire a JSON field name
   * @return the field, or empty when a task has no such field
   */
  public static Optional<TaskField> fromWire(String wire) {
    return Arrays.stream(values()).filter(f -> f.wire.equals(wire)).findFirst();
  }
}
