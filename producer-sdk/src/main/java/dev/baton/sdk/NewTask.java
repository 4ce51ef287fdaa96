package dev.baton.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What {@code tasks().create} needs. Only {@code title} is required; a null {@code id} lets the
 * client choose one ({@code t-} and 10 random hex digits).
 */
public record NewTask(
    String id,
    String title,
    String description,
    Integer priority,
    List<String> labels,
    List<String> dependsOn,
    ObjectNode fields) {

  /**
   * A task with only a title.
   *
   * @param title the title (required)
   * @return the task, without an id (the client picks one)
   */
  public static NewTask titled(String title) {
    return new NewTask(null, title, null, null, null, null, null);
  }

  /**
   * This task with another id.
   *
   * @param id the task id; null lets the client choose
   * @return this task with {@code id}
   */
  public NewTask withId(String id) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  /**
   * This task with another description.
   *
   * @param description the description
   * @return this task with {@code description}
   */
  public NewTask withDescription(String description) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  /**
   * This task with another priority.
   *
   * @param priority the priority
   * @return this task with {@code priority}
   */
  public NewTask withPriority(Integer priority) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  /**
   * This task with another labels.
   *
   * @param labels the labels
   * @return this task with {@code labels}
   */
  public NewTask withLabels(List<String> labels) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  /**
   * This task with another dependsOn.
   *
   * @param dependsOn ids of tasks this one depends on
   * @return this task with {@code dependsOn}
   */
  public NewTask withDependsOn(List<String> dependsOn) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  /**
   * This task with another fields.
   *
   * @param fields free-form fields (a JSON object)
   * @return this task with {@code fields}
   */
  public NewTask withFields(ObjectNode fields) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }
}
