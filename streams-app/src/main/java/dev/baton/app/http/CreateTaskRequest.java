package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.NewTask;
import java.util.List;

/**
 * Body of {@code POST /v1/tasks/{workspace}}. Only {@code title} is required; without an {@code id}
 * the server picks one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateTaskRequest(
    String id,
    String title,
    String description,
    Integer priority,
    List<String> labels,
    List<String> dependsOn,
    ObjectNode fields) {

  NewTask toNewTask() {
    return new NewTask(id, title, description, priority, labels, dependsOn, fields);
  }
}
