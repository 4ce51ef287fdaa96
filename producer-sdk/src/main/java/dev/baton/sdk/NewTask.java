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

  public static NewTask titled(String title) {
    return new NewTask(null, title, null, null, null, null, null);
  }

  public NewTask withId(String id) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  public NewTask withDescription(String description) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  public NewTask withPriority(Integer priority) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  public NewTask withLabels(List<String> labels) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  public NewTask withDependsOn(List<String> dependsOn) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }

  public NewTask withFields(ObjectNode fields) {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }
}
